import { afterEach, describe, expect, it } from 'vitest'
import { verifyChain } from '../../src/storage/audit-chain.js'
import { iterateAudit } from '../../src/storage/audit.repository.js'
import { makeWorkdir, startTestApp, TEST_TOKEN, waitFor, type TestApp } from './test-context.js'

/**
 * Attacker-chosen text on the unauthenticated and agent paths that end in the audit log: it must neither break the
 * chain (a lone UTF-16 surrogate was hashed as it was in memory but stored as U+FFFD) nor grow the log one entry
 * per attempt.
 */

let t: TestApp | undefined
afterEach(async () => { await t?.stop(); t = undefined })

/** POSTs a body written by hand, so JSON escapes like \ud800 reach the server as they are. */
async function postRaw(url: string, rawJson: string, headers: Record<string, string> = {}): Promise<number> {
  const response = await fetch(`${t!.app.url}${url}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: rawJson })
  await response.text()
  return response.status
}

const chainOk = async () => expect(await verifyChain(iterateAudit(t!.app.db))).toMatchObject({ ok: true })

describe('text from outside reaches the audit log well-formed', () => {
  it('a login name with a lone surrogate (failed, then throttled) leaves the chain valid', async () => {
    t = await startTestApp(await makeWorkdir())
    for (let i = 0; i < 7; i++) expect(await postRaw('/api/session', '{"name":"\\ud800","password":"x"}')).toBe(i < 5 ? 401 : 429)
    await chainOk()
    const actors = await t.app.db.selectFrom('audit_log').select(['action', 'actor']).where('action', 'like', 'login.%').execute()
    expect(actors.map((a) => a.action)).toContain('login.throttled')
    for (const a of actors) expect(a.actor).toBe('\ufffd')
  })

  it('a reject reason and actor with lone surrogates leave the chain valid', async () => {
    t = await startTestApp(await makeWorkdir())
    t.world.ask(t.world.alice, '我的快递到哪了')
    const id = await waitFor(async () => (await t!.api<Array<{ id: number }>>('GET', '/api/suggestions?status=pending')).body[0]?.id)
    expect(await postRaw(`/api/suggestions/${id}/reject`, '{"reason":"不对\\udc00","actor":"小王\\ud83d"}', { authorization: `Bearer ${TEST_TOKEN}` })).toBe(200)
    await chainOk()
    const row = await t.app.db.selectFrom('audit_log').select(['actor', 'detail']).where('action', '=', 'suggestion.rejected').executeTakeFirstOrThrow()
    expect(row.actor).toBe('api:小王\ufffd')
    expect(JSON.parse(row.detail ?? '{}')).toEqual({ reason: '不对\ufffd' })
  })

  it('a customer question and nickname holding NUL are stored and queued on both databases (PostgreSQL text refuses NUL)', async () => {
    t = await startTestApp(await makeWorkdir())
    const evil = t.world.mocker.createContact({ name: '王\u0000五' })
    t.world.room.payload.memberIdList.push(evil.id)
    t.world.ask(evil, '我的快递\u0000到哪了\ud800')
    const item = await waitFor(async () => (await t!.api<Array<{ id: number; question: string; memberName: string }>>('GET', '/api/suggestions?status=pending')).body[0])
    expect(item.question).toBe('我的快递\ufffd到哪了\ufffd')
    const stored = await t.app.db.selectFrom('messages').select(['text', 'sender_name']).executeTakeFirstOrThrow()
    expect(stored.text).not.toContain('\u0000')
    expect(stored.sender_name).toBe('王\ufffd五')
  })

  it('a NUL or lone surrogate in a URL path parameter is read as U+FFFD, never sent to the database as it is (a 500 on PostgreSQL)', async () => {
    t = await startTestApp(await makeWorkdir())
    const member = await t.api<{ message: string }>('DELETE', `/api/members/${t.world.alice.id}/tags/%00?groupId=${encodeURIComponent(t.world.room.id)}`)
    expect(member.status).toBe(404)
    expect(member.body.message).toContain('「\ufffd」')
    const surrogate = await t.api('DELETE', `/api/members/%ED%A0%80/tags/x?groupId=g`)
    expect(surrogate.status).toBeLessThan(500)
    expect((await t.api('GET', '/api/messages/wechaty%3A%00/media/0')).status).toBe(404)
  })

  it('300 failed logins with random names from one address add a handful of audit entries, with a count', async () => {
    // The request rate limit off, so every attempt reaches the login, as from a patient attacker.
    t = await startTestApp(await makeWorkdir(), { env: { QUNDESK_RATE_LIMIT_PER_SECOND: '0' } })
    const statuses = new Map<number, number>()
    for (let i = 0; i < 300; i++) {
      const name = `guess-${Math.random().toString(36).slice(2)}-${i}`
      const res = await t.app.http.inject({ method: 'POST', url: '/api/session', payload: { name, password: 'wrong-password!' }, remoteAddress: '203.0.113.50' })
      statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1)
    }
    // The requests reached the login (failed, then throttled), not only the request rate limit.
    expect(Object.fromEntries(statuses)).toEqual({ 401: 5, 429: 295 })
    const rows = await t.app.db.selectFrom('audit_log').select(['action', 'actor', 'detail']).where('action', 'like', 'login.%').orderBy('id').execute()
    expect(rows.length).toBeLessThanOrEqual(8)
    const last = rows.filter((r) => r.action === 'login.throttled').at(-1)!
    expect(JSON.parse(last.detail ?? '{}')).toMatchObject({ ip: '203.0.113.50', attempts: 100 })
    for (const r of rows) expect(Array.from(r.actor).length).toBeLessThanOrEqual(64)
    await chainOk()
  })
})
