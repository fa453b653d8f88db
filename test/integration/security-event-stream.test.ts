import { afterEach, describe, expect, it } from 'vitest'
import { login, type ConsoleSession } from './console-session.js'
import { makeWorkdir, startTestApp, type TestApp } from './test-context.js'

const PASSWORD = '坐席密码-0123456789'

let t: TestApp | undefined
afterEach(async () => {
  await t?.stop()
  t = undefined
})

/** Opens /api/events with the session's cookie; `text()` reads until the stream ends (or the timeout aborts it). */
async function openStream(session: ConsoleSession) {
  const abort = new AbortController()
  const res = await fetch(`${t!.app.url}/api/events`, { headers: { cookie: session.cookie }, signal: abort.signal })
  expect(res.status).toBe(200)
  const timer = setTimeout(() => abort.abort(), 8000)
  return {
    async text(): Promise<{ body: string; endedByServer: boolean }> {
      let body = ''
      const decoder = new TextDecoder()
      try {
        const reader = res.body!.getReader()
        for (let r = await reader.read(); !r.done; r = await reader.read()) body += decoder.decode(r.value, { stream: true })
        return { body, endedByServer: true }
      } catch {
        return { body, endedByServer: false }
      } finally {
        clearTimeout(timer)
      }
    },
  }
}

describe('live-queue stream after the session ends', () => {
  it('stops delivering after logout', async () => {
    t = await startTestApp(await makeWorkdir())
    await t.app.auth.addUser({ name: '小王', role: 'agent', password: PASSWORD, actor: 'test' })
    const session = (await login(t.app.url, '小王', PASSWORD)).session!
    const stream = await openStream(session)
    expect((await session.call('DELETE', '/api/session')).status).toBe(200)
    t.world.ask(t.world.alice, '我的快递到哪了')
    const { body, endedByServer } = await stream.text()
    // Before: the stream stayed open and carried the new suggestion.
    expect(body).not.toContain('event: suggestion')
    expect(endedByServer).toBe(true)
  })

  it('stops delivering once an admin disables the account', async () => {
    t = await startTestApp(await makeWorkdir())
    const user = await t.app.auth.addUser({ name: '小王', role: 'agent', password: PASSWORD, actor: 'test' })
    const session = (await login(t.app.url, '小王', PASSWORD)).session!
    const stream = await openStream(session)
    await t.app.auth.updateUser(user.id, { disabled: true }, 'test')
    t.world.ask(t.world.alice, '我的快递到哪了')
    const { body, endedByServer } = await stream.text()
    expect(body).not.toContain('event: suggestion')
    expect(endedByServer).toBe(true)
  })

  it('keeps delivering while the session is open', async () => {
    t = await startTestApp(await makeWorkdir())
    await t.app.auth.addUser({ name: '小王', role: 'agent', password: PASSWORD, actor: 'test' })
    const session = (await login(t.app.url, '小王', PASSWORD)).session!
    const abort = new AbortController()
    const res = await fetch(`${t.app.url}/api/events`, { headers: { cookie: session.cookie }, signal: abort.signal })
    t.world.ask(t.world.alice, '我的快递到哪了')
    let body = ''
    const decoder = new TextDecoder()
    const reader = res.body!.getReader()
    for (let r = await reader.read(); !r.done; r = await reader.read()) {
      body += decoder.decode(r.value, { stream: true })
      if (body.includes('event: suggestion')) break
    }
    abort.abort()
    expect(body).toContain('event: suggestion')
  })
})
