import { afterEach, describe, expect, it } from 'vitest'
import { login, type ConsoleSession } from './console-session.js'
import { makeWorkdir, startTestApp, waitFor, type TestApp } from './test-context.js'

let t: TestApp | undefined
afterEach(async () => {
  await t?.stop()
  t = undefined
})

const PASSWORD = '坐席密码-0123456789'

async function withUsers(): Promise<{ agent: ConsoleSession; admin: ConsoleSession }> {
  t = await startTestApp(await makeWorkdir())
  await t.app.auth.addUser({ name: '小王', role: 'agent', password: PASSWORD, actor: 'test' })
  await t.app.auth.addUser({ name: '老板', role: 'admin', password: PASSWORD, actor: 'test' })
  const agent = (await login(t.app.url, '小王', PASSWORD)).session!
  const admin = (await login(t.app.url, '老板', PASSWORD)).session!
  return { agent, admin }
}

describe('console login and sessions', () => {
  it('sets an HTTP-only, SameSite=Strict session cookie and never returns the password hash', async () => {
    t = await startTestApp(await makeWorkdir())
    await t.app.auth.addUser({ name: '小王', role: 'agent', password: PASSWORD, actor: 'test' })
    const res = await login(t.app.url, '小王', PASSWORD)
    expect(res.status).toBe(200)
    const cookie = res.headers.get('set-cookie')!
    expect(cookie).toMatch(/^qundesk_session=[\w-]{40,};/)
    expect(cookie).toMatch(/HttpOnly/i)
    expect(cookie).toMatch(/SameSite=Strict/i)
    expect(JSON.stringify(res.body)).not.toMatch(/scrypt/)
  })

  it('refuses a wrong password and throttles repeated failures with 429 and Retry-After', async () => {
    t = await startTestApp(await makeWorkdir())
    await t.app.auth.addUser({ name: '小王', role: 'agent', password: PASSWORD, actor: 'test' })
    for (let i = 0; i < 5; i++) expect((await login(t.app.url, '小王', 'wrong-password!')).status).toBe(401)
    const blocked = await login(t.app.url, '小王', PASSWORD)
    expect(blocked.status).toBe(429)
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0)
    const actions = (await t.app.db.selectFrom('audit_log').select('action').execute()).map((r) => r.action)
    expect(actions.filter((a) => a === 'login.failed')).toHaveLength(5)
    expect(actions).toContain('login.throttled')
  })

  it('refuses a login posted from another site', async () => {
    t = await startTestApp(await makeWorkdir())
    await t.app.auth.addUser({ name: '小王', role: 'agent', password: PASSWORD, actor: 'test' })
    expect((await login(t.app.url, '小王', PASSWORD, { origin: 'https://evil.example' })).status).toBe(403)
  })

  it('ends the session on logout', async () => {
    const { agent } = await withUsers()
    expect((await agent.call('GET', '/api/session')).status).toBe(200)
    expect((await agent.call('DELETE', '/api/session')).status).toBe(200)
    expect((await agent.call('GET', '/api/session')).status).toBe(401)
  })

  it('redirects a page request without a session to the login page, keeping only same-site next targets', async () => {
    t = await startTestApp(await makeWorkdir())
    const res = await fetch(`${t.app.url}/reports`, { redirect: 'manual' })
    expect(res.status).toBe(302)
    expect(res.headers.get('location')).toBe('/login?next=%2Freports')
    const page = await (await fetch(`${t.app.url}/login?next=//evil.example`)).text()
    expect(page).toContain('data-next="/"')
  })
})

describe('roles and CSRF on every route', () => {
  it('keeps agents out of admin pages and APIs', async () => {
    const { agent, admin } = await withUsers()
    for (const [method, url, body] of [['GET', '/api/users'], ['POST', '/api/users', { name: 'x1', role: 'agent', password: PASSWORD }], ['PATCH', '/api/users/1', { disabled: true }], ['PUT', '/api/settings', { slaMinutes: 5 }], ['GET', '/api/audit'], ['GET', '/audit'], ['GET', '/admin'], ['GET', '/knowledge'], ['GET', '/api/knowledge'], ['POST', '/api/knowledge/test', { question: '我的快递到哪了' }]] as const) {
      expect((await agent.call(method, url, body)).status, `${method} ${url}`).toBe(403)
    }
    expect((await admin.call('GET', '/api/users')).status).toBe(200)
    expect((await admin.call('GET', '/admin')).status).toBe(200)
  })

  it('refuses state changes without the CSRF token, or with another session\'s token', async () => {
    const { agent, admin } = await withUsers()
    t!.world.ask(t!.world.alice, '我的快递到哪了')
    const s = await waitFor(async () => (await t!.app.suggestions.list({ status: 'pending' }))[0])
    expect((await agent.call('POST', `/api/suggestions/${s.id}/send`, undefined, { csrf: null })).status).toBe(403)
    expect((await agent.call('POST', `/api/suggestions/${s.id}/send`, undefined, { csrf: admin.csrf })).status).toBe(403)
    expect((await admin.call('PUT', '/api/settings', { slaMinutes: 5 }, { csrf: null })).status).toBe(403)
    expect((await agent.call('DELETE', '/api/session', undefined, { csrf: null })).status).toBe(403)
    expect((await t!.app.suggestions.get(s.id)).status).toBe('pending')
    expect((await agent.call('POST', `/api/suggestions/${s.id}/send`)).status).toBe(200)
  })

  it('keeps the bearer-token API working for integrations, as an agent-level caller', async () => {
    await withUsers()
    expect((await t!.api('GET', '/api/suggestions')).status).toBe(200)
    expect((await t!.api('GET', '/api/users')).status).toBe(403)
  })
})

describe('agent actions through the session API', () => {
  it('records the logged-in agent as the sender and in the audit log', async () => {
    const { agent } = await withUsers()
    t!.world.ask(t!.world.alice, '怎么查物流')
    const s = await waitFor(async () => (await t!.app.suggestions.list({ status: 'pending' }))[0])
    expect((await agent.call('POST', `/api/suggestions/${s.id}/send`)).status).toBe(200)
    expect(await t!.app.suggestions.get(s.id)).toMatchObject({ decidedBy: '小王', decision: 'sent' })
    const audit = await t!.app.db.selectFrom('audit_log').selectAll().where('action', '=', 'suggestion.sent').executeTakeFirstOrThrow()
    expect(audit.actor).toBe('小王')
  })

  it('shows the conversation around the question and the customer\'s history', async () => {
    const { agent } = await withUsers()
    t!.world.alice.say('在吗').to(t!.world.room)
    t!.world.ask(t!.world.alice, '能开发票吗')
    const first = await waitFor(async () => (await t!.app.suggestions.list({ status: 'pending' }))[0])
    t!.world.ask(t!.world.alice, '怎么查物流')
    const second = await waitFor(async () => (await t!.app.suggestions.list({ status: 'pending' })).find((x) => x.id !== first.id))
    const res = await agent.call<{ conversation: Array<{ text: string }>; history: Array<{ question: string }>; membership: unknown }>('GET', `/api/suggestions/${second.id}/context`)
    expect(res.status).toBe(200)
    expect(res.body.conversation.map((m) => m.text)).toEqual(expect.arrayContaining(['在吗', '@客服助手\u2005能开发票吗', '@客服助手\u2005怎么查物流']))
    expect(res.body.history.map((h) => h.question)).toEqual(['能开发票吗'])
    expect(res.body.membership).toMatchObject({ joinedAtEstimated: true })
  })

  it('learns from a wrong-intent fix: the pending draft changes, the question is stored, and the next same question matches the fixed intent', async () => {
    const { agent } = await withUsers()
    const question = '钱啥时候回到卡里'
    t!.world.ask(t!.world.alice, question)
    const s = await waitFor(async () => (await t!.app.suggestions.list({ status: 'pending' }))[0])
    expect(s.intentId).not.toBe('returns.refund')
    const before = t!.app.knowledge.current().version
    const fixed = await agent.call<{ intentId: string; text: string; matchedIntentId: string }>('POST', `/api/suggestions/${s.id}/fix-intent`, { intentId: 'returns.refund' })
    expect(fixed.status).toBe(200)
    expect(fixed.body).toMatchObject({ intentId: 'returns.refund', text: '张三您好，退款原路返回，一般 1-3 个工作日到账。', matchedIntentId: s.intentId ?? '' })
    await waitFor(() => t!.app.knowledge.current().version > before)
    t!.world.ask(t!.world.bob, question)
    const next = await waitFor(async () => (await t!.app.suggestions.list({ status: 'pending' })).find((x) => x.memberName === '李四'))
    expect(next.intentId).toBe('returns.refund')
    const exported = await t!.app.learning.exportYaml()
    expect(exported).toContain('returns.refund')
    expect(exported).toContain(question)
  })

  it('records a reply the agent sent from the WeCom sidebar as sent, without the bot saying anything', async () => {
    const { agent } = await withUsers()
    t!.world.ask(t!.world.alice, '能开发票吗')
    const s = await waitFor(async () => (await t!.app.suggestions.list({ status: 'pending' }))[0])
    expect((await agent.call('POST', `/api/suggestions/${s.id}/mark-sent`, { text: s.text, via: 'wecom-sidebar' })).status).toBe(200)
    expect(await t!.app.suggestions.get(s.id)).toMatchObject({ status: 'sent', decision: 'sent', decidedBy: '小王' })
    expect((await agent.call('POST', `/api/suggestions/${s.id}/mark-sent`, { text: 'again' })).status).toBe(409)
    await new Promise((r) => setTimeout(r, 100))
    expect(t!.world.said).toEqual([])
  })

  it('lets admins change the SLA, with the change in the audit log, and rejects nonsense values', async () => {
    const { admin } = await withUsers()
    expect((await admin.call('PUT', '/api/settings', { slaMinutes: 0 })).status).toBe(400)
    expect((await admin.call('PUT', '/api/settings', { slaMinutes: 10 })).body).toMatchObject({ slaMinutes: 10, outreachPerGroupPerHour: 3 })
    expect((await admin.call('PUT', '/api/settings', { outreachPerGroupPerHour: 61 })).status).toBe(400)
    expect((await admin.call('PUT', '/api/settings', { outreachPerGroupPerHour: 5 })).body).toMatchObject({ slaMinutes: 10, outreachPerGroupPerHour: 5 })
    const audit = await admin.call<Array<{ action: string; actor: string; detail: unknown }>>('GET', '/api/audit')
    expect(audit.body[1]).toMatchObject({ action: 'setting.changed', actor: '老板', detail: { from: 15, to: 10 } })
    expect(audit.body[0]).toMatchObject({ action: 'setting.changed', subjectId: 'outreachPerGroupPerHour', detail: { from: 3, to: 5 } })
  })

  it('lets admins add users and disable them, which ends their sessions, but never the last admin', async () => {
    const { admin, agent } = await withUsers()
    const added = await admin.call<{ id: number; name: string }>('POST', '/api/users', { name: '小李', role: 'agent', password: PASSWORD })
    expect(added.status).toBe(201)
    const users = await admin.call<Array<{ id: number; name: string; role: string }>>('GET', '/api/users')
    const wang = users.body.find((u) => u.name === '小王')!
    expect((await admin.call('PATCH', `/api/users/${wang.id}`, { disabled: true })).status).toBe(200)
    expect((await agent.call('GET', '/api/session')).status).toBe(401)
    // The demo admin and 老板 are the admins; disabling both must stop at the last one.
    const admins = users.body.filter((u) => u.role === 'admin')
    const results = []
    for (const a of admins) results.push((await admin.call('PATCH', `/api/users/${a.id}`, { role: 'agent' })).status)
    expect(results).toContain(409)
  })

  it('refuses weak passwords and names that pass for an existing user, on adding and on changing a password', async () => {
    const { admin } = await withUsers()
    for (const password of [' '.repeat(10), 'aaaaaaaaaa', 'password123']) {
      const res = await admin.call<{ message: string }>('POST', '/api/users', { name: '小李', role: 'agent', password })
      expect([password, res.status]).toEqual([password, 400])
      expect(res.body.message).toContain('密码')
    }
    await admin.call('POST', '/api/users', { name: 'boss', role: 'agent', password: PASSWORD })
    for (const name of ['Boss', 'ｂｏｓｓ', 'bоss']) expect((await admin.call('POST', '/api/users', { name, role: 'agent', password: PASSWORD })).status).toBe(409)
    const users = await admin.call<Array<{ id: number; name: string }>>('GET', '/api/users')
    expect(users.body.filter((u) => u.name.toLowerCase().includes('b')).map((u) => u.name)).toEqual(['boss'])
    const boss = users.body.find((u) => u.name === 'boss')!
    expect((await admin.call('PATCH', `/api/users/${boss.id}`, { password: 'aaaaaaaaaa' })).status).toBe(400)
    expect((await login(t!.app.url, 'BOSS', PASSWORD)).status).toBe(200)
  })
})
