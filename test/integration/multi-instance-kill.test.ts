import { spawn, type ChildProcess } from 'node:child_process'
import type { EventEmitter } from 'node:events'
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { PuppetServer } from 'wechaty-puppet-service'
import type { mock } from 'wechaty-puppet-mock'
import { INTERRUPTED_SEND } from '../../src/outbox/outbox.js'
import { freePort } from '../support/free-port.js'
import { onPostgres } from '../support/test-database.js'
import { createMockWorld, makeWorkdir, startTestApp, testEnv, useBand, waitFor, type TestApp } from './test-context.js'

const BIN = path.resolve(import.meta.dirname, '../../bin/qundesk.js')
const TOKEN = 'insecure_qundesk-kill-owner-token'
const ROUNDS = 10
/** How long the account takes to confirm a send after the message is in the group: the window a kill lands in. */
const CONFIRM_MS = 400

interface ApiSuggestion { id: number; question: string; status: string }

const children: ChildProcess[] = []
const closers: Array<() => Promise<unknown>> = []
afterAll(async () => {
  for (const c of children) c.kill('SIGKILL')
  for (const close of closers.reverse()) await close().catch(() => undefined)
})

// Several processes on one database is a PostgreSQL setup.
describe.skipIf(!onPostgres())('killing the instance that owns the account, in the middle of its sends (PostgreSQL)', () => {
  it('loses no approval and sends each reply once: queued ones after it is back, the one caught mid-send never again', async () => {
    process.env.WECHATY_PUPPET_SERVICE_NO_TLS_INSECURE_SERVER = 'true'
    // Instance a's account, served over the puppet service so a can run (and die) in its own process.
    const world = createMockWorld()
    const replies: string[] = []
    ;(world.room as unknown as EventEmitter).on('message', (m: mock.MessageMock) => { if (m.payload.talkerId === world.me.id) replies.push(m.payload.text ?? '') })
    // The message reaches the group at once; the account's confirmation comes CONFIRM_MS later.
    const send = world.puppet.messageSendText.bind(world.puppet)
    world.puppet.messageSendText = async (...args: Parameters<typeof send>) => {
      const id = await send(...args)
      await new Promise((r) => setTimeout(r, CONFIRM_MS))
      return id
    }
    const endpoint = `127.0.0.1:${await freePort()}`
    const server = new PuppetServer({ endpoint, puppet: world.puppet, token: TOKEN })
    await server.start()
    closers.push(() => server.stop())
    const keepLoggedIn = setInterval(() => { if (world.puppet.state.active() && !world.puppet.isLoggedIn) world.login() }, 100)
    closers.push(async () => clearInterval(keepLoggedIn))

    const work = await makeWorkdir()
    await useBand(work) // 「第N次」 makes each question unique; the band is not the subject here
    const port = await freePort()
    const env = {
      ...process.env,
      ...testEnv(work, {
        QUNDESK_INSTANCE_ID: 'a', QUNDESK_PORT: String(port), QUNDESK_LOG_LEVEL: 'warn',
        WECHATY_PUPPET: 'wechaty-puppet-service', WECHATY_PUPPET_SERVICE_TOKEN: TOKEN, WECHATY_PUPPET_SERVICE_ENDPOINT: endpoint,
        WECHATY_PUPPET_SERVICE_NO_TLS_INSECURE_CLIENT: 'true',
      }),
    }
    const log = fs.createWriteStream(path.join(work.dir, 'instance-a.log'))
    closers.push(async () => log.end())
    const startA = async (): Promise<ChildProcess> => {
      const child = spawn(process.execPath, [BIN, 'start'], { env, stdio: ['ignore', 'pipe', 'pipe'] })
      children.push(child)
      child.stdout!.pipe(log, { end: false })
      child.stderr!.pipe(log, { end: false })
      await waitFor(async () => {
        const res = await fetch(`http://127.0.0.1:${port}/api/health`, { headers: { authorization: `Bearer ${env.QUNDESK_API_TOKEN}` } }).catch(() => undefined)
        return res?.ok === true && ((await res.json()) as { channel: { state: string } }).channel.state === 'online'
      }, { timeoutMs: 60_000, intervalMs: 100 })
      return child
    }
    let a = await startA()
    // Instance b serves the agents; its own account is not in a's group.
    const b: TestApp = await startTestApp(work, { env: { QUNDESK_INSTANCE_ID: 'b' } })
    closers.push(() => b.stop())

    for (let i = 0; i < ROUNDS; i++) world.ask(world.alice, `能开发票吗 第${i}次`)
    const pending = await waitFor(async () => {
      const list = (await b.api<ApiSuggestion[]>('GET', '/api/suggestions?status=pending')).body
      return list.length === ROUNDS ? list : undefined
    }, { timeoutMs: 30_000 })
    // The agent approves them all on b; a's account sends them, one at a time.
    for (const s of pending.sort((x, y) => x.id - y.id)) {
      expect((await b.api('POST', `/api/suggestions/${s.id}/send`)).status).toBe(202)
    }

    // a is killed right after its third reply reached the group, before the account confirmed it.
    await waitFor(() => replies.length >= 3, { timeoutMs: 30_000, intervalMs: 5 })
    a.kill('SIGKILL')
    await new Promise((r) => a.once('exit', r))
    const beforeRestart = replies.length
    expect(beforeRestart).toBeLessThan(ROUNDS)

    a = await startA()
    const outbox = () => b.app.db.selectFrom('outbox').select(['id', 'status', 'last_error', 'instance_id']).orderBy('id').execute()
    await waitFor(async () => (await outbox()).every((r) => r.status === 'sent' || r.status === 'failed'), { timeoutMs: 30_000 })
    await new Promise((r) => setTimeout(r, CONFIRM_MS + 300))
    a.kill('SIGTERM')
    await new Promise((r) => a.once('exit', r))

    const rows = await outbox()
    expect(rows).toHaveLength(ROUNDS)
    expect(rows.every((r) => r.instance_id === 'a')).toBe(true)
    // The send caught between the group and the confirmation is failed for an agent to check, never sent again.
    const interrupted = rows.filter((r) => r.status === 'failed')
    expect(interrupted).toEqual([expect.objectContaining({ last_error: INTERRUPTED_SEND })])
    expect(rows.filter((r) => r.status === 'sent')).toHaveLength(ROUNDS - 1)
    // Every approval reached the group exactly once (the interrupted one had already gone out).
    expect(replies).toHaveLength(ROUNDS)
    // The agents see it: one suggestion failed with the reason, the others sent.
    const suggestions = await b.app.db.selectFrom('suggestions').select(['status', 'last_error']).execute()
    expect(suggestions.filter((s) => s.status === 'sent')).toHaveLength(ROUNDS - 1)
    expect(suggestions.filter((s) => s.status === 'failed')).toEqual([{ status: 'failed', last_error: INTERRUPTED_SEND }])
  }, 180_000)
})
