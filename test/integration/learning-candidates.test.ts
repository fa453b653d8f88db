import fs from 'node:fs/promises'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { KnowledgeGapsView, LearningAcceptView, LearningCandidatesView } from '../../src/console/contract.js'
import { decideIntent } from '../../src/nlu/decide-intent.js'
import { listAudit } from '../../src/storage/audit.repository.js'
import { newContentKeyEntry } from '../../src/storage/content-cipher.js'
import { openRawDb } from '../support/raw-db.js'
import { textColumnsHolding } from '../support/text-columns.js'
import { login, type ConsoleSession } from './console-session.js'
import { makeWorkdir, startTestApp, useBand, waitFor, type TestApp, type Workdir } from './test-context.js'

let t: TestApp | undefined
let work: Workdir
afterEach(async () => {
  await t?.stop()
  t = undefined
})

const PASSWORD = '坐席密码-0123456789'

async function withUsers(env: Record<string, string> = {}): Promise<{ agent: ConsoleSession; admin: ConsoleSession }> {
  work = await makeWorkdir()
  await useBand(work)
  t = await startTestApp(work, { env })
  await t.app.auth.addUser({ name: '小王', role: 'agent', password: PASSWORD, actor: 'test' })
  await t.app.auth.addUser({ name: '老板', role: 'admin', password: PASSWORD, actor: 'test' })
  return { agent: (await login(t.app.url, '小王', PASSWORD)).session!, admin: (await login(t.app.url, '老板', PASSWORD)).session! }
}

async function pendingFrom(name: string) {
  return waitFor(async () => (await t!.app.suggestions.list({ status: 'pending' })).find((s) => s.memberName === name))
}

const candidates = async (admin: ConsoleSession) => (await admin.call<LearningCandidatesView>('GET', '/api/learning/candidates')).body

async function matches(question: string): Promise<string | undefined> {
  const { kb, matcher } = t!.app.knowledge.current()
  const result = decideIntent(await matcher.match(question), kb)
  return result.decision === 'accept' ? result.intent?.intentId : undefined
}

describe('学习候选 through the real stack', () => {
  it('a reply sent as drafted proposes its question; accepting writes learned.yaml, reloads, and the question matches from the file', async () => {
    const { agent, admin } = await withUsers()
    const question = '发票可以开成电子的吗'
    t!.world.ask(t!.world.alice, question)
    const s = await pendingFrom('张三')
    expect(s.intentId).toBe('invoice.issue')
    expect((await agent.call('POST', `/api/suggestions/${s.id}/send`, {})).status).toBeLessThan(300)
    const listed = await waitFor(async () => (await candidates(admin)).candidates[0])
    expect(listed).toMatchObject({ intentId: 'invoice.issue', intentExists: true, text: question, source: 'sent', suggestionId: s.id, proposedBy: '小王' })

    const version = t!.app.knowledge.current().version
    const accepted = await admin.call<LearningAcceptView>('POST', `/api/learning/candidates/${listed.id}/accept`)
    expect(accepted.status).toBe(200)
    expect(accepted.body).toEqual({ file: 'learned.yaml', intentId: 'invoice.issue', text: question, reloaded: true })
    const file = await fs.readFile(path.join(work.kbDir, 'learned.yaml'), 'utf8')
    expect(file).toContain(`"${question}"`)
    expect(file).toMatch(/# .* 老板 采纳（坐席 小王 按原稿发送，来自建议 #\d+，候选 #\d+）/)
    expect(t!.app.knowledge.current().version).toBeGreaterThan(version)
    expect(t!.app.knowledge.current().kb.get('invoice.issue')?.examples).toContain(question)
    expect(await matches(question)).toBe('invoice.issue')
    expect((await candidates(admin)).candidates).toEqual([])
    expect((await listAudit(t!.app.db, 5)).map((a) => a.action)).toContain('learning.candidate_accepted')

    // Asked and sent as drafted again: already an example, so not proposed again.
    t!.world.ask(t!.world.bob, `${question}？`)
    const again = await pendingFrom('李四')
    expect((await agent.call('POST', `/api/suggestions/${again.id}/send`, {})).status).toBeLessThan(300)
    await waitFor(async () => (await t!.app.suggestions.get(again.id)).status === 'sent')
    await new Promise((r) => setTimeout(r, 200))
    expect((await candidates(admin)).total).toBe(0)
  })

  it('an edited reply proposes nothing; a "wrong intent" fix trains at once and is a candidate; discarding it drops the example too', async () => {
    const { agent, admin } = await withUsers()
    t!.world.ask(t!.world.alice, '能开发票吗，公司抬头')
    const edited = await pendingFrom('张三')
    expect((await agent.call('POST', `/api/suggestions/${edited.id}/send`, { text: '您好，可以开公司抬头。' })).status).toBeLessThan(300)
    await waitFor(async () => (await t!.app.suggestions.get(edited.id)).status === 'sent')

    const question = '钱啥时候回到卡里'
    t!.world.ask(t!.world.bob, question)
    const s = await pendingFrom('李四')
    const before = t!.app.knowledge.current().version
    expect((await agent.call('POST', `/api/suggestions/${s.id}/fix-intent`, { intentId: 'returns.refund' })).status).toBe(200)
    await waitFor(() => t!.app.knowledge.current().version > before)
    expect(await matches(question)).toBe('returns.refund')
    const { candidates: list, total } = await candidates(admin)
    expect(total).toBe(1)
    expect(list[0]).toMatchObject({ intentId: 'returns.refund', text: question, source: 'fix', suggestionId: s.id })

    expect((await agent.call('POST', `/api/learning/candidates/${list[0]!.id}/discard`)).status).toBe(403)
    const retrained = t!.app.knowledge.current().version
    expect((await admin.call('POST', `/api/learning/candidates/${list[0]!.id}/discard`)).status).toBe(200)
    expect((await candidates(admin)).total).toBe(0)
    expect(await t!.app.learning.trainingExamples()).toEqual([])
    await waitFor(() => t!.app.knowledge.current().version > retrained)
    const again = await admin.call<{ message: string }>('POST', `/api/learning/candidates/${list[0]!.id}/discard`)
    expect(again.status).toBe(404)
    expect(again.body.message).toMatch(/学习候选 #\d+ 不存在/)
    expect((await listAudit(t!.app.db, 5)).map((a) => a.action)).toContain('learning.candidate_discarded')
    await expect(fs.access(path.join(work.kbDir, 'learned.yaml'))).rejects.toThrow()
  })

  it('a fix accepted moves from the database into learned.yaml and keeps matching', async () => {
    const { agent, admin } = await withUsers()
    const question = '钱啥时候回到卡里'
    t!.world.ask(t!.world.alice, question)
    const s = await pendingFrom('张三')
    expect((await agent.call('POST', `/api/suggestions/${s.id}/fix-intent`, { intentId: 'returns.refund' })).status).toBe(200)
    const [candidate] = (await candidates(admin)).candidates
    expect((await admin.call('POST', `/api/learning/candidates/${candidate!.id}/accept`)).status).toBe(200)
    expect(await t!.app.learning.trainingExamples()).toEqual([])
    expect(await fs.readFile(path.join(work.kbDir, 'learned.yaml'), 'utf8')).toMatch(/坐席 小王 纠正意图/)
    expect(await matches(question)).toBe('returns.refund')
  })

  it("erasing a member removes their candidates (and only theirs)", async () => {
    const { agent, admin } = await withUsers()
    t!.world.ask(t!.world.alice, '发票可以开成电子的吗')
    const a = await pendingFrom('张三')
    await agent.call('POST', `/api/suggestions/${a.id}/send`, {})
    t!.world.ask(t!.world.bob, '退款大概几天能到账')
    const b = await pendingFrom('李四')
    await agent.call('POST', `/api/suggestions/${b.id}/send`, {})
    await waitFor(async () => (await candidates(admin)).total === 2)
    const erased = await admin.call<Record<string, number>>('DELETE', `/api/members/${encodeURIComponent(t!.world.alice.id)}`)
    expect(erased.status).toBe(200)
    expect(erased.body.learningCandidates).toBe(1)
    expect((await candidates(admin)).candidates.map((c) => c.text)).toEqual(['退款大概几天能到账'])
  })

  it('with QUNDESK_CONTENT_KEYS, a candidate is stored sealed, read plain, and erasure finds the ones naming the member', async () => {
    const { agent, admin } = await withUsers({ QUNDESK_CONTENT_KEYS: newContentKeyEntry('k1') })
    const question = '发票可以开成电子的吗，张三的单子'
    t!.world.ask(t!.world.bob, question)
    const s = await pendingFrom('李四')
    await agent.call('POST', `/api/suggestions/${s.id}/send`, {})
    expect((await waitFor(async () => (await candidates(admin)).candidates[0])).text).toBe(question)
    const raw = openRawDb(work)
    try {
      expect(await textColumnsHolding(raw, '发票可以开成电子的吗')).toEqual([])
      expect((await raw.selectFrom('learning_candidates').select('text').execute())[0]!.text).toMatch(/^qdenc1:k1:/)
    } finally {
      await raw.destroy()
    }
    // 李四's question names 张三 (the needle is 张三's name): erasing 张三 removes it.
    const erased = await admin.call<Record<string, number>>('DELETE', `/api/members/${encodeURIComponent(t!.world.alice.id)}`)
    expect(erased.status).toBe(200)
    expect(erased.body.learningCandidates).toBe(1)
    expect((await candidates(admin)).total).toBe(0)
  })

  it('知识缺口: unmatched questions of the last days, grouped into draft intents as YAML', async () => {
    const { agent, admin } = await withUsers()
    for (const [who, q] of [[t!.world.alice, '积分怎么兑换礼品'], [t!.world.bob, '积分可以兑换礼品吗'], [t!.world.alice, '会员积分怎么兑换']] as const) {
      const count = (await t!.app.suggestions.list()).length
      t!.world.ask(who, q)
      await waitFor(async () => (await t!.app.suggestions.list()).length > count)
    }
    expect((await agent.call('GET', '/api/learning/gaps')).status).toBe(403)
    const res = await admin.call<KnowledgeGapsView>('GET', '/api/learning/gaps?days=7')
    expect(res.status).toBe(200)
    expect(res.body.questions, JSON.stringify(res.body)).toBe(3)
    expect(res.body.gaps[0]).toMatchObject({ draftId: 'draft.gap1', count: 3 })
    expect(res.body.gaps[0]!.yaml).toContain('积分可以兑换礼品吗')
    expect((await admin.call('GET', '/api/learning/gaps?days=0')).status).toBe(400)
  })
})
