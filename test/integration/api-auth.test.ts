import { afterEach, describe, expect, it } from 'vitest'
import { makeWorkdir, startTestApp, type TestApp } from './test-context.js'

let t: TestApp | undefined
afterEach(async () => {
  await t?.stop()
  t = undefined
})

describe('HTTP API access', () => {
  it('answers 401 without the bearer token, with a wrong one, and with a malformed header', async () => {
    t = await startTestApp(await makeWorkdir())
    for (const token of [null, 'wrong-token-0123456789', '']) {
      const res = await t.api('GET', '/api/suggestions?status=pending', undefined, token)
      expect(res.status).toBe(401)
    }
    const raw = await fetch(`${t.app.url}/api/health`, { headers: { authorization: 'Basic abc' } })
    expect(raw.status).toBe(401)
    expect(raw.headers.get('www-authenticate')).toBe('Bearer')
  })

  it('reports health with the login state, the number of intents, the connection, the outbox and the instance', async () => {
    t = await startTestApp(await makeWorkdir())
    expect(await t.api('GET', '/api/health')).toEqual({
      status: 200,
      body: {
        status: 'ok', loggedIn: true, intents: 4,
        channel: { state: 'online', since: expect.any(String), lastError: null, reconnectAttempts: 0 },
        outbox: { queued: 0, sending: 0, sent: 0, failed: 0 },
        instance: 'default',
        database: { ok: true, problems: [] },
        knowledge: { ok: true, version: 1, loadError: null },
      },
    })
  })

  it('answers 400 to a bad status filter, a bad id and an oversized or wrongly typed body', async () => {
    t = await startTestApp(await makeWorkdir())
    expect((await t.api('GET', '/api/suggestions?status=whatever')).status).toBe(400)
    expect((await t.api('POST', '/api/suggestions/abc/send')).status).toBe(400)
    expect((await t.api('POST', '/api/suggestions/1/send', { text: { value: 42 } })).status).toBe(400)
    expect((await t.api('POST', '/api/suggestions/1/send', { text: 'x'.repeat(5000) })).status).toBe(400)
    expect((await t.api('POST', '/api/suggestions/999/send', { text: '你好' })).status).toBe(404)
  })
})
