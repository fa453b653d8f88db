import fs from 'node:fs/promises'
import path from 'node:path'
import { sql } from 'kysely'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { verifyChain } from '../../src/storage/audit-chain.js'
import type { MemberExport } from '../../src/privacy/member-export.js'
import type { Report } from '../../src/reports/report-service.js'
import { iterateAudit, listAudit } from '../../src/storage/audit.repository.js'
import type { Db } from '../../src/storage/create-db.js'
import { upsertMemberAttributes } from '../../src/storage/member-attribute.repository.js'
import { textColumnsHolding } from '../support/text-columns.js'
import { login, type ConsoleSession } from './console-session.js'
import { makeWorkdir, startTestApp, useRules, waitFor, type TestApp } from './test-context.js'

const PASSWORD = '管理密码-0123456789'
const PHONE = '13812345678'
const ORDER = 'DD20261123001'
const URGE = `intents:
  - id: logistics.urge
    examples: [帮我催一下发货, 能不能快点发货, 下单好几天了还没发货, 催一下我的单子, 我的订单怎么还不发]
    answer: "{{name}}您好，订单 {{order_id}} 已经帮您登记催发，今天内回复您进度～"
    slots: [order_id]
    ask: "{{name}}您好，麻烦发一下订单号，我马上帮您催～"
`

let t: TestApp
let agent: ConsoleSession
let admin: ConsoleSession
let aliceId: string

/**
 * 张三 (alice) asks for a shipment to be hurried, leaving her phone; the bot asks her for the order number in the
 * group ("@张三 …"), she answers, an agent sends the drafted reply. 李四 (bob) asks about invoices. 张三 also has
 * a manual tag, rule tags with history (the 'valid' rules) and imported CRM attributes.
 */
beforeEach(async () => {
  const work = await makeWorkdir()
  await fs.writeFile(path.join(work.kbDir, 'urge.yaml'), URGE)
  await useRules(work, 'valid')
  t = await startTestApp(work)
  const { world, app } = t
  aliceId = world.alice.id
  await waitFor(async () => (await app.members.group(world.room.id)).length === 2)
  await app.auth.addUser({ name: '小王', role: 'agent', password: PASSWORD, actor: 'test' })
  await app.auth.addUser({ name: '老板', role: 'admin', password: PASSWORD, actor: 'test' })
  agent = (await login(app.url, '小王', PASSWORD)).session!
  admin = (await login(app.url, '老板', PASSWORD)).session!

  world.ask(world.alice, `帮我催一下发货，电话${PHONE}`)
  await waitFor(() => world.said.length === 1)
  world.alice.say(`订单号 ${ORDER}`).to(world.room)
  const drafted = await waitFor(async () => (await app.suggestions.list({ status: 'pending' })).find((s) => s.memberId === aliceId && s.intentId === 'logistics.urge'))
  expect((await agent.call('POST', `/api/suggestions/${drafted.id}/send`)).status).toBe(200)
  await waitFor(() => world.said.length === 2)
  await waitFor(async () => (await app.suggestions.get(drafted.id)).status === 'sent')
  world.ask(world.bob, '能开发票吗')
  await waitFor(async () => (await app.suggestions.list({ status: 'pending' })).find((s) => s.memberId === world.bob.id && s.question === '能开发票吗'))
  expect((await agent.call('POST', `/api/members/${aliceId}/tags`, { groupId: world.room.id, tag: '老客户' })).status).toBe(200)
  await app.tagging.retagAll()
  await app.tagging.idle()
  await upsertMemberAttributes(app.db, [{
    member_id: aliceId, external_id: 'wm_ext_zhang', monthly_spend: 88, total_spend: 1288, orders: 6, returns: 1, last_purchase_at: null,
    imported_at: new Date().toISOString(), import_source: 'crm.csv',
  }], ['external_id', 'monthly_spend', 'total_spend', 'orders', 'returns'])
  // Everything the bot sends goes through the outbox: wait until nothing to 张三 is still on its way.
  await waitFor(async () => Number((await sql<{ n: number }>`SELECT COUNT(*) AS n FROM outbox WHERE status IN ('queued', 'sending')`.execute(app.db)).rows[0]!.n) === 0)
})
afterEach(async () => t?.stop())

const today = () => new Date(Date.now() + 480 * 60_000).toISOString().slice(0, 10)

/** Every text cell of every table except the append-only audit log that contains `needle`, as `table.column`. */
const tablesHolding = (db: Db, needle: string): Promise<string[]> => textColumnsHolding(db, needle, { except: ['audit_log'] })

async function count(table: 'messages' | 'suggestions' | 'group_members'): Promise<number> {
  return Number((await sql<{ n: number }>`SELECT COUNT(*) AS n FROM ${sql.table(table)}`.execute(t.app.db)).rows[0]!.n)
}

describe('GET /api/members/:id/export', () => {
  it('gives an admin everything held about the member as a JSON attachment, and audits it', async () => {
    const res = await fetch(`${t.app.url}/api/members/${encodeURIComponent(aliceId)}/export`, { headers: { cookie: admin.cookie } })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="member-[\w.-]+\.json"/)
    const data = (await res.json()) as MemberExport
    expect(data).toMatchObject({ format: 'qundesk.member-export.v1', memberId: aliceId, names: ['张三'] })
    expect(data.memberships).toEqual([expect.objectContaining({ groupId: t.world.room.id, memberName: '张三', groupName: 'VIP客户群' })])
    expect(data.messages.map((m) => m.text)).toEqual(expect.arrayContaining([expect.stringContaining(`电话${PHONE}`), `订单号 ${ORDER}`]))
    expect(data.suggestions).toEqual(expect.arrayContaining([
      expect.objectContaining({ question: `帮我催一下发货，电话${PHONE}（${ORDER}）`, finalText: expect.stringContaining(ORDER), status: 'sent' }),
      // The 'valid' rules welcome new members: the outreach addressed to her is hers too.
      expect.objectContaining({ kind: 'outreach', text: '张三，欢迎加入！有问题随时@我。' }),
    ]))
    expect(data.tags).toEqual(expect.arrayContaining([
      expect.objectContaining({ tag: '老客户', source: 'manual', addedBy: '小王' }),
      expect.objectContaining({ tag: '新成员', source: 'rule' }),
    ]))
    expect(data.tagHistory.map((h) => h.tag)).toEqual(expect.arrayContaining(['老客户', '新成员']))
    expect(data.attributes).toMatchObject({ externalId: 'wm_ext_zhang', monthlySpend: 88, orders: 6, importSource: 'crm.csv' })
    expect(data.slotRequests).toEqual([expect.objectContaining({ intentId: 'logistics.urge', slots: ['order_id'], status: 'filled', answerText: `订单号 ${ORDER}` })])
    expect(data.outbox).toEqual(expect.arrayContaining([expect.objectContaining({ mentionMemberName: '张三', status: 'sent', text: expect.stringContaining(ORDER) })]))
    expect(data.audit.map((a) => a.action)).toEqual(expect.arrayContaining(['member.tag_added', 'suggestion.sent']))
    // Only 张三: nothing of 李四's.
    expect(JSON.stringify(data)).not.toContain('能开发票吗')

    const [last] = await listAudit(t.app.db, 1)
    expect(last).toMatchObject({ action: 'member.exported', actor: '老板', subject_type: 'member', subject_id: aliceId })
  })

  it('refuses agents and the API token (403) and answers 404 for an unknown member', async () => {
    expect((await agent.call('GET', `/api/members/${aliceId}/export`)).status).toBe(403)
    expect((await t.api('GET', `/api/members/${aliceId}/export`)).status).toBe(403)
    expect((await admin.call('GET', '/api/members/wxid_nobody/export')).status).toBe(404)
    expect((await listAudit(t.app.db, 50)).map((a) => a.action)).not.toContain('member.exported')
  })
})

describe('DELETE /api/members/:id', () => {
  it('refuses agents and the API token (403) and changes nothing', async () => {
    expect((await agent.call('DELETE', `/api/members/${aliceId}`)).status).toBe(403)
    expect((await t.api('DELETE', `/api/members/${aliceId}`)).status).toBe(403)
    expect(await tablesHolding(t.app.db, aliceId)).toContain('messages.sender_id')
    expect((await t.api('GET', `/api/members/${aliceId}`)).status).toBe(200)
  })

  it('erases the member: no table but the audit log holds their id, name, phone or order id; counts and reports stay the same', async () => {
    const range = `from=${today()}&to=${today()}`
    const before = (await t.api<Report>('GET', `/api/reports?${range}`)).body
    const counts = { messages: await count('messages'), suggestions: await count('suggestions'), memberships: await count('group_members') }
    expect(before.days[0]!.questions).toBe(2)
    for (const needle of [aliceId, '张三', PHONE, ORDER]) expect(await tablesHolding(t.app.db, needle)).not.toEqual([])

    const res = await admin.call<Record<string, number>>('DELETE', `/api/members/${encodeURIComponent(aliceId)}`)
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ messages: 2, suggestions: 2, memberships: 1, tags: 2, attributes: 1, slotRequests: 1 })
    expect(res.body.mentioningMessages).toBeGreaterThanOrEqual(2) // the bot's "@张三 …" question and reply

    for (const needle of [aliceId, '张三', PHONE, ORDER]) expect(await tablesHolding(t.app.db, needle), needle).toEqual([])
    expect({ messages: await count('messages'), suggestions: await count('suggestions'), memberships: await count('group_members') }).toEqual(counts)
    const after = (await t.api<Report>('GET', `/api/reports?${range}`)).body
    expect({ days: after.days, groups: after.groups, rows: after.rows }).toEqual({ days: before.days, groups: before.groups, rows: before.rows })
    // 李四 is untouched.
    expect(await tablesHolding(t.app.db, '能开发票吗')).toEqual(expect.arrayContaining(['messages.text', 'suggestions.question']))
    expect((await t.api('GET', `/api/members/${t.world.bob.id}`)).status).toBe(200)

    // Audited with counts only; the chain still verifies.
    const [last] = await listAudit(t.app.db, 1)
    expect(last).toMatchObject({ action: 'member.erased', actor: '老板', subject_type: 'member', subject_id: expect.stringMatching(/^erased:/) })
    expect(last!.detail).not.toContain(aliceId)
    expect(last!.detail).not.toContain('张三')
    expect(Object.values(JSON.parse(last!.detail) as Record<string, unknown>).every((v) => typeof v === 'number')).toBe(true)
    expect(await verifyChain(iterateAudit(t.app.db))).toMatchObject({ ok: true })

    expect((await t.api('GET', `/api/members/${aliceId}`)).status).toBe(404)
    expect((await admin.call('DELETE', `/api/members/${aliceId}`)).status).toBe(404)
    const listed = await t.api<{ members: Array<{ memberName: string; memberId: string; leftAt: string | null }> }>('GET', '/api/members?includeLeft=true')
    expect(listed.body.members).toEqual(expect.arrayContaining([expect.objectContaining({ memberName: '已删除成员', memberId: expect.stringMatching(/^erased:/), leftAt: expect.any(String) })]))
  })

  it('cancels every item still waiting for the erased member, so nothing is ever posted to 已删除成员', async () => {
    const bobId = t.world.bob.id
    const waiting = await waitFor(async () => (await t.app.suggestions.list({ status: 'pending' })).find((s) => s.memberId === bobId))
    t.world.ask(t.world.bob, '转人工')
    await waitFor(async () => (await t.app.suggestions.list({ status: 'pending' })).find((s) => s.memberId === bobId && s.question === '转人工'))
    // His question, his 转人工 and the welcome the 'valid' rules drafted for him.
    const pending = (await t.app.suggestions.list({ status: 'pending' })).filter((s) => s.memberId === bobId)
    expect(pending.map((s) => s.kind).sort()).toEqual(['answer', 'needs_human', 'outreach'])
    // His 转人工 was acknowledged in the group (「已为您转接人工客服…」): wait for it, so only what follows counts.
    await waitFor(() => t.world.said.some((line) => line.includes('已为您转接人工客服')))
    await waitFor(async () => Number((await sql<{ n: number }>`SELECT COUNT(*) AS n FROM outbox WHERE status IN ('queued', 'sending')`.execute(t.app.db)).rows[0]!.n) === 0)
    const said = t.world.said.length

    const res = await admin.call<Record<string, number>>('DELETE', `/api/members/${encodeURIComponent(bobId)}`)
    expect(res.status).toBe(200)
    expect(res.body.pendingCancelled).toBe(3)
    const [audit] = await listAudit(t.app.db, 1)
    expect(JSON.parse(audit!.detail) as Record<string, number>).toMatchObject({ pendingCancelled: 3 })

    expect((await t.app.suggestions.list({ status: 'pending' })).filter((s) => s.memberName === '已删除成员')).toEqual([])
    expect(await t.app.suggestions.get(waiting.id)).toMatchObject({ status: 'rejected', rejectReason: '成员个人信息已删除', memberName: '已删除成员' })
    // An agent who still had the item open sends it: refused, and the group hears nothing.
    expect((await agent.call('POST', `/api/suggestions/${waiting.id}/send`)).status).toBe(409)
    expect((await agent.call('POST', `/api/suggestions/${waiting.id}/send`, { text: '您好，发票可以开的' })).status).toBe(409)
    expect(t.world.said.slice(said)).toEqual([])
    expect(t.world.said.join('\n')).not.toContain('已删除成员')
  })
})
