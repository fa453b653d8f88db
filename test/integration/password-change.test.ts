import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { runCli } from '../../src/cli.js'
import type { CliIo } from '../../src/cli/cli-io.js'
import { login, type ConsoleSession } from './console-session.js'
import { makeWorkdir, startTestApp, testEnv, waitFor, type TestApp, type Workdir } from './test-context.js'

let t: TestApp | undefined
let child: ChildProcess | undefined
afterEach(async () => {
  await t?.stop()
  t = undefined
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child!.once('exit', resolve))
    child.kill('SIGTERM')
    await exited
  }
  child = undefined
})

const BIN = path.resolve(import.meta.dirname, '../../bin/qundesk.js')

const PASSWORD = '坐席密码-0123456789'
const NEW_PASSWORD = '我自己的新密码-2026'
const SRC = path.resolve(import.meta.dirname, '../../src')

// Routes open to a session whose password change is due: logging in, who am I, logging out, the change itself.
const OPEN_WHILE_DUE = new Set(['POST /api/session', 'GET /api/session', 'DELETE /api/session', 'POST /api/session/password'])

/**
 * Every /api route the source declares (`app.get('/api/…'`), read from the files so a route added later is
 * checked too; `:params` become 1 (refused before validation, so any value does).
 */
function declaredApiRoutes(): Array<{ method: string; url: string }> {
  const routes = new Map<string, { method: string; url: string }>()
  for (const file of fs.readdirSync(SRC, { recursive: true, encoding: 'utf8' })) {
    if (!file.endsWith('.ts')) continue
    const text = fs.readFileSync(path.join(SRC, file), 'utf8')
    for (const m of text.matchAll(/app\.(get|post|put|patch|delete)\b[^(]*\(\s*'(\/api\/[^']*)'/g)) {
      const method = m[1]!.toUpperCase()
      routes.set(`${method} ${m[2]}`, { method, url: m[2]!.replace(/:\w+/g, '1') })
    }
  }
  return [...routes.entries()].filter(([key]) => !OPEN_WHILE_DUE.has(key)).map(([, route]) => route)
}

async function auditVerify(work: Workdir): Promise<{ code: number; stdout: string }> {
  const out: string[] = []
  const io: CliIo = { stdout: (text) => out.push(text), stderr: (text) => out.push(text), env: testEnv(work), cwd: process.cwd() }
  return { code: await runCli(['audit', 'verify'], io), stdout: out.join('\n') }
}

async function auditRows(action: string) {
  return (await t!.app.db.selectFrom('audit_log').select(['actor', 'subject_id', 'detail']).where('action', '=', action).orderBy('id').execute())
    .map((r) => ({ actor: r.actor, subject: r.subject_id, detail: r.detail ? JSON.parse(r.detail) as Record<string, unknown> : null }))
}

const change = (session: ConsoleSession, currentPassword: string, newPassword: string) =>
  session.call<{ error?: string; message?: string; otherSessionsEnded?: number }>('POST', '/api/session/password', { currentPassword, newPassword })

describe('the demo admin\'s one-time password', () => {
  it('is printed by qundesk start as one to change at first login, and opens nothing else until changed', { timeout: 180_000 }, async () => {
    const work = await makeWorkdir()
    const env = { ...process.env, ...testEnv(work, { QUNDESK_DEMO_INTERVAL_SECONDS: '600' }) }
    delete env.WECHATY_PUPPET
    child = spawn(process.execPath, [BIN, 'start'], { env, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    child.stdout!.on('data', (chunk: Buffer) => { stdout += chunk.toString('utf8') })
    const printed = await waitFor(() => /坐席工作台: (\S+)\/\n\s+演示管理员（一次性密码，首次登录时必须修改）: (\S+) \/ (\S+)/.exec(stdout), { timeoutMs: 120_000, intervalMs: 100 })
    const [, url, name, password] = printed
    const session = (await login(url!, name!, password!)).session!
    expect((await session.call<{ error: string }>('GET', '/api/suggestions')).body.error).toBe('password_change_required')
    expect((await change(session, password!, NEW_PASSWORD)).status).toBe(200)
    expect((await session.call('GET', '/api/suggestions')).status).toBe(200)
  })

  it('opens only the change page and its API until changed; the change checks the passwords, ends the other sessions, keeps this one and is audited', { timeout: 90_000 }, async () => {
    const work = await makeWorkdir()
    t = await startTestApp(work)
    const demo = t.app.demoAdmin!
    const first = await login(t.app.url, demo.name, demo.password)
    expect(first.body).toMatchObject({ user: { name: 'admin', role: 'admin', mustChangePassword: true } })
    const session = first.session!
    const other = (await login(t.app.url, demo.name, demo.password)).session!

    const routes = declaredApiRoutes()
    expect(routes.length).toBeGreaterThan(25)
    for (const { method, url } of routes) {
      const res = await session.call<{ error: string; message: string }>(method, url, method === 'GET' || method === 'DELETE' ? undefined : {})
      expect([method, url, res.status, res.body.error]).toEqual([method, url, 403, 'password_change_required'])
      expect(res.body.message).toContain('请先修改密码')
    }
    for (const page of ['/', '/reports', '/admin', '/members/1']) {
      const res = await session.call('GET', page)
      expect([page, res.status, res.headers.get('location')]).toEqual([page, 302, `/password?next=${encodeURIComponent(page)}`])
    }
    expect((await session.call('GET', '/api/session')).body).toMatchObject({ user: { name: 'admin', mustChangePassword: true } })
    const changePage = await session.call<string>('GET', '/password?next=%2Freports')
    expect(changePage.status).toBe(200)
    expect(changePage.body).toContain('请先设置只有您自己知道的新密码')
    expect(changePage.body).toContain('data-next="/reports"')
    // The integration API token has no password to change: unaffected.
    expect((await t.api('GET', '/api/suggestions')).status).toBe(200)

    const wrong = await change(session, 'not-the-password', NEW_PASSWORD)
    expect([wrong.status, wrong.body.message]).toEqual([400, '当前密码不正确'])
    const weak = await change(session, demo.password, 'password123')
    expect([weak.status, weak.body.message]).toEqual([400, '这个密码太常见，请换一个'])
    const short = await change(session, demo.password, 'short')
    expect([short.status, short.body.message]).toEqual([400, '密码至少 10 个字符'])
    const same = await change(session, demo.password, demo.password)
    expect([same.status, same.body.message]).toEqual([400, '新密码不能与当前密码相同'])
    expect((await session.call('GET', '/api/suggestions')).status).toBe(403)

    const done = await change(session, demo.password, NEW_PASSWORD)
    expect([done.status, done.body]).toEqual([200, { otherSessionsEnded: 1 }])
    expect((await session.call('GET', '/api/suggestions')).status).toBe(200)
    expect((await session.call('GET', '/api/users')).status).toBe(200)
    expect((await session.call('GET', '/')).status).toBe(200)
    expect((await other.call('GET', '/api/session')).status).toBe(401)
    expect((await login(t.app.url, demo.name, demo.password)).status).toBe(401)
    const again = await login(t.app.url, demo.name, NEW_PASSWORD)
    expect(again.body).toMatchObject({ user: { name: 'admin', mustChangePassword: false } })
    expect((await again.session!.call('GET', '/api/suggestions')).status).toBe(200)

    expect(await auditRows('user.added')).toEqual([{ actor: 'system', subject: 'admin', detail: { role: 'admin', mustChangePassword: true } }])
    expect(await auditRows('password.change_failed')).toEqual([{ actor: 'admin', subject: 'admin', detail: { ip: '127.0.0.1' } }])
    expect(await auditRows('password.changed')).toEqual([{ actor: 'admin', subject: 'admin', detail: { ip: '127.0.0.1', otherSessionsEnded: 1, wasRequired: true } }])
    const users = await session.call<Array<{ name: string; mustChangePassword: boolean }>>('GET', '/api/users')
    expect(users.body.find((u) => u.name === 'admin')?.mustChangePassword).toBe(false)
    expect(await auditVerify(work)).toMatchObject({ code: 0, stdout: expect.stringContaining('哈希链校验通过') })
  })

  it('throttles wrong current passwords like logins, sharing the user\'s budget with the login form', { timeout: 60_000 }, async () => {
    t = await startTestApp(await makeWorkdir())
    const demo = t.app.demoAdmin!
    const session = (await login(t.app.url, demo.name, demo.password)).session!
    for (let i = 0; i < 5; i++) expect((await change(session, `wrong-password-${i}`, NEW_PASSWORD)).status).toBe(400)
    const blocked = await change(session, demo.password, NEW_PASSWORD)
    expect(blocked.status).toBe(429)
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0)
    expect((await login(t.app.url, demo.name, demo.password)).status).toBe(429)
    expect(await auditRows('password.change_failed')).toHaveLength(5)
    expect(await auditRows('password.changed')).toEqual([])
  })
})

describe('a password an admin resets', () => {
  it('must be changed by its user at their next login; a user an admin adds need not change theirs', { timeout: 60_000 }, async () => {
    t = await startTestApp(await makeWorkdir())
    await t.app.auth.addUser({ name: '小王', role: 'agent', password: PASSWORD, actor: 'test' })
    await t.app.auth.addUser({ name: '老板', role: 'admin', password: PASSWORD, actor: 'test' })
    const boss = (await login(t.app.url, '老板', PASSWORD)).session!
    const wang = await login(t.app.url, '小王', PASSWORD)
    expect(wang.body).toMatchObject({ user: { mustChangePassword: false } })
    expect((await wang.session!.call('GET', '/api/suggestions')).status).toBe(200)

    const users = await boss.call<Array<{ id: number; name: string; mustChangePassword: boolean }>>('GET', '/api/users')
    const wangId = users.body.find((u) => u.name === '小王')!.id
    const reset = await boss.call<{ mustChangePassword: boolean }>('PATCH', `/api/users/${wangId}`, { password: '管理员给的临时密码-1' })
    expect([reset.status, reset.body.mustChangePassword]).toEqual([200, true])
    expect((await wang.session!.call('GET', '/api/session')).status).toBe(401)
    expect(await auditRows('user.updated')).toEqual([{ actor: '老板', subject: '小王', detail: { password: 'changed', mustChangePassword: true } }])

    const again = (await login(t.app.url, '小王', '管理员给的临时密码-1')).session!
    expect((await again.call<{ error: string }>('GET', '/api/suggestions')).body.error).toBe('password_change_required')
    expect((await change(again, '管理员给的临时密码-1', NEW_PASSWORD)).status).toBe(200)
    expect((await again.call('GET', '/api/suggestions')).status).toBe(200)
    // The admin's own sessions and access were never held up.
    expect((await boss.call('GET', '/api/users')).status).toBe(200)
    expect((await boss.call('POST', '/api/users', { name: '小李', role: 'agent', password: PASSWORD })).status).toBe(201)
    expect((await login(t.app.url, '小李', PASSWORD)).body).toMatchObject({ user: { mustChangePassword: false } })
  })
})
