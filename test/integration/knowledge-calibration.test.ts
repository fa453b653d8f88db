import fs from 'node:fs/promises'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { CalibrationView, KnowledgeTestView } from '../../src/console/contract.js'
import { login, type ConsoleSession } from './console-session.js'
import { makeWorkdir, startTestApp, waitFor, type TestApp } from './test-context.js'

let t: TestApp | undefined
afterEach(async () => {
  await t?.stop()
  t = undefined
})

const PASSWORD = '管理密码-0123456789'
const FIXTURE = 'knowledge/calibrate-with-matching'

async function adminOf(app: TestApp['app']): Promise<ConsoleSession> {
  await app.auth.addUser({ name: '老板', role: 'admin', password: PASSWORD, actor: 'test' })
  return (await login(app.url, '老板', PASSWORD)).session!
}

const finished = (admin: ConsoleSession) => waitFor(async () => {
  const { body } = await admin.call<CalibrationView>('GET', '/api/knowledge/calibration')
  return body.status === 'done' || body.status === 'failed' ? body : undefined
}, { timeoutMs: 60_000, intervalMs: 200 })

describe('阈值校准 from the console (kb calibrate in the background worker)', () => {
  it('an admin calibrates the bot\'s knowledge while it answers, writes the proposal into matching.yaml (audited), and the bot decides with it', async () => {
    const work = await makeWorkdir(FIXTURE)
    t = await startTestApp(work)
    const admin = await adminOf(t.app)
    await t.app.auth.addUser({ name: '小王', role: 'agent', password: PASSWORD, actor: 'test' })
    const agent = (await login(t.app.url, '小王', PASSWORD)).session!
    const matchingFile = path.join(work.kbDir, 'matching.yaml')
    const before = await fs.readFile(matchingFile, 'utf8')

    const idle = await admin.call<CalibrationView>('GET', '/api/knowledge/calibration')
    expect(idle.body).toMatchObject({ status: 'idle', result: null, current: { suggest: 0.25, autoSend: 0.5, source: 'matching' } })
    expect((await agent.call('POST', '/api/knowledge/calibration', {})).status).toBe(403)
    expect((await agent.call('GET', '/api/knowledge/calibration')).status).toBe(403)
    expect((await admin.call('POST', '/api/knowledge/calibration/apply')).status).toBe(409)

    const started = await admin.call<CalibrationView>('POST', '/api/knowledge/calibration', { targetFalseAccept: 0.1 })
    expect(started.status).toBe(202)
    expect(started.body).toMatchObject({ status: 'running', startedBy: '老板', targetFalseAccept: 0.1 })
    // One run at a time: a second admin's click is told who is running it.
    const again = await admin.call<{ message: string }>('POST', '/api/knowledge/calibration', {})
    expect(again.status).toBe(409)
    expect(again.body.message).toContain('老板 发起的校准还在进行')
    // The bot keeps answering meanwhile.
    t.world.ask(t.world.alice, '我的快递到哪了')
    await waitFor(async () => (await t!.app.suggestions.list({ status: 'pending' })).some((s) => s.question === '我的快递到哪了') || t!.world.said.length > 0)

    const done = await finished(admin)
    expect(done.status).toBe('done')
    const result = done.result!
    expect(result).toMatchObject({ intents: 5, listed: 20, unlisted: 20, leftOutIntents: 5, sampled: false, knowledgeVersion: 1 })
    expect(result.accept).toMatchObject({ met: true })
    expect(result.accept!.falseAccept).toBeLessThanOrEqual(0.1)
    expect(result.curve.map((p) => p.threshold)).toContain(result.accept!.threshold)
    expect(result.curve.every((p) => Math.abs(p.accuracy + p.wrongAccept + p.miss - 1) < 1e-9)).toBe(true)
    expect(await fs.readFile(matchingFile, 'utf8')).toBe(before) // nothing written until the admin says so

    const applied = await admin.call<CalibrationView>('POST', '/api/knowledge/calibration/apply')
    expect(applied.status).toBe(200)
    const suggest = result.accept!.threshold
    const autoSend = Math.max(result.autoSend?.threshold ?? suggest, suggest)
    expect(applied.body.written).toMatchObject({ file: 'matching.yaml', suggest, autoSend, by: '老板' })
    expect(applied.body.current).toEqual({ suggest, autoSend, source: 'matching' })
    const after = await fs.readFile(matchingFile, 'utf8')
    expect(after).toMatch(new RegExp(`^ {2}suggest: ${suggest} `, 'm'))
    expect(after).toContain('# S：低于它交给人工') // comments kept, as kb calibrate --write keeps them

    const tried = await admin.call<KnowledgeTestView>('POST', '/api/knowledge/test', { question: '我的快递到哪了' })
    expect(tried.body.threshold).toBe(suggest)
    const audit = await t.app.db.selectFrom('audit_log').select(['actor', 'action', 'subject_id', 'detail']).where('action', '=', 'knowledge.band_written').execute()
    expect(audit).toHaveLength(1)
    expect(audit[0]).toMatchObject({ actor: '老板', subject_id: 'matching.yaml' })
    expect(JSON.parse(String(audit[0]!.detail))).toMatchObject({ before: { suggest: 0.25, autoSend: 0.5 }, after: { suggest, autoSend }, targetFalseAccept: 0.1 })
  })

  it('a knowledge folder that does not load fails the run with file:line, and nothing is written', async () => {
    const work = await makeWorkdir(FIXTURE)
    t = await startTestApp(work)
    const admin = await adminOf(t.app)
    await fs.writeFile(path.join(work.kbDir, 'broken.yaml'), 'intents:\n  - id: broken.one\n    examples: [坏的\n    answer: 没有\n')
    const matchingBefore = await fs.readFile(path.join(work.kbDir, 'matching.yaml'), 'utf8')

    expect((await admin.call('POST', '/api/knowledge/calibration', {})).status).toBe(202)
    const failed = await finished(admin)
    expect(failed.status).toBe('failed')
    expect(failed.error!.message).toContain('知识库文件有错误')
    expect(failed.error!.problems.map((p) => p.text).join('\n')).toMatch(/broken\.yaml:\d+/)
    const apply = await admin.call<{ message: string }>('POST', '/api/knowledge/calibration/apply')
    expect(apply.status).toBe(409)
    expect(apply.body.message).toContain('请先校准')
    expect(await fs.readFile(path.join(work.kbDir, 'matching.yaml'), 'utf8')).toBe(matchingBefore)
  })

  it('refuses a target that is not a share between 0 and 0.5', async () => {
    t = await startTestApp(await makeWorkdir(FIXTURE))
    const admin = await adminOf(t.app)
    expect((await admin.call('POST', '/api/knowledge/calibration', { targetFalseAccept: 2 })).status).toBe(400)
    expect((await admin.call('POST', '/api/knowledge/calibration', { targetFalseAccept: 'x' })).status).toBe(400)
    expect((await admin.call<CalibrationView>('GET', '/api/knowledge/calibration')).body.status).toBe('idle')
  })

  it('a stop while a run is in flight ends it (the process does not wait for the worker)', async () => {
    t = await startTestApp(await makeWorkdir())
    const admin = await adminOf(t.app)
    expect((await admin.call('POST', '/api/knowledge/calibration', {})).status).toBe(202)
    await t.stop()
    t = undefined
  })
})
