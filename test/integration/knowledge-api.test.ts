import fs from 'node:fs/promises'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { HealthView, KnowledgeTestView, KnowledgeView } from '../../src/console/contract.js'
import { login } from './console-session.js'
import { makeWorkdir, startTestApp, waitFor, type TestApp } from './test-context.js'

let t: TestApp | undefined
afterEach(async () => {
  await t?.stop()
  t = undefined
})

const PASSWORD = '管理密码-0123456789'

describe('知识库 API', () => {
  it('shows admins the intents, the lint and 试一试; agents get 403', async () => {
    t = await startTestApp(await makeWorkdir())
    const { app } = t
    await app.auth.addUser({ name: '老板', role: 'admin', password: PASSWORD, actor: 'test' })
    await app.auth.addUser({ name: '小王', role: 'agent', password: PASSWORD, actor: 'test' })
    const admin = (await login(app.url, '老板', PASSWORD)).session!
    const agent = (await login(app.url, '小王', PASSWORD)).session!

    expect((await agent.call('GET', '/api/knowledge')).status).toBe(403)
    expect((await agent.call('POST', '/api/knowledge/test', { question: '我的快递到哪了' })).status).toBe(403)
    expect((await t.api('GET', '/api/knowledge')).status).toBe(403)

    const first = await admin.call<KnowledgeView>('GET', '/api/knowledge')
    expect(first.status).toBe(200)
    expect(first.body.loadError).toBeNull()
    expect(first.body.intents).toContainEqual(expect.objectContaining({ id: 'logistics.track', examples: expect.arrayContaining(['我的快递到哪了']), line: 3 }))
    // The lint runs in the background: `running` first, then the report for this version.
    const ready = await waitFor(async () => {
      const { body } = await admin.call<KnowledgeView>('GET', '/api/knowledge')
      return body.lint.status === 'ready' ? body.lint : undefined
    }, { timeoutMs: 50_000, intervalMs: 250 })
    expect(ready.heldOut).toBeGreaterThan(0)

    const tried = await admin.call<KnowledgeTestView>('POST', '/api/knowledge/test', { question: '我的快递到哪了' })
    expect(tried.status).toBe(200)
    expect(tried.body).toMatchObject({ decision: 'accept', intent: { intentId: 'logistics.track' }, bands: 'default', bandsText: '默认值', answer: expect.stringContaining('查物流') })
    expect(tried.body.evidence[0]).toMatchObject({ intentId: 'logistics.track', centroid: expect.any(Number), nearest: expect.any(Number) })
    expect((await admin.call('POST', '/api/knowledge/test', { question: '' })).status).toBe(400)
  })

  it('reports a knowledge edit that does not load, with file:line, in the page data and /api/health until it is fixed', async () => {
    const work = await makeWorkdir()
    t = await startTestApp(work)
    await t.app.auth.addUser({ name: '老板', role: 'admin', password: PASSWORD, actor: 'test' })
    const admin = (await login(t.app.url, '老板', PASSWORD)).session!
    expect((await t.api<HealthView>('GET', '/api/health')).body.knowledge).toMatchObject({ ok: true, loadError: null })

    const broken = path.join(work.kbDir, 'broken.yaml')
    await fs.writeFile(broken, 'intents:\n  - id: broken.one\n    examples: [坏的\n    answer: 没有\n')
    const error = await waitFor(async () => (await admin.call<KnowledgeView>('GET', '/api/knowledge')).body.loadError)
    expect(error.problems[0]).toMatchObject({ file: broken, line: expect.any(Number), text: expect.stringMatching(new RegExp(`^${broken.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+: `)) })
    expect(error.problems[0]!.line).toBeGreaterThan(0)
    const health = (await t.api<HealthView>('GET', '/api/health')).body
    expect(health.status).toBe('degraded')
    expect(health.knowledge).toMatchObject({ ok: false, loadError: { problems: [expect.objectContaining({ file: broken })] } })

    await fs.writeFile(broken, 'intents:\n  - id: coupon.usage\n    examples: [优惠券怎么用, 优惠券用不了, 领的券在哪里用]\n    answer: 在结算页使用。\n')
    await waitFor(async () => (await admin.call<KnowledgeView>('GET', '/api/knowledge')).body.loadError === null)
    expect((await t.api<HealthView>('GET', '/api/health')).body.knowledge).toMatchObject({ ok: true, loadError: null })
  })
})
