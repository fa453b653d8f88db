import { spawn, type ChildProcess } from 'node:child_process'
import type { EventEmitter } from 'node:events'
import fs from 'node:fs'
import path from 'node:path'
import SQLite from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { PuppetServer } from 'wechaty-puppet-service'
import type { mock } from 'wechaty-puppet-mock'
import { INTERRUPTED_SEND } from '../../src/outbox/outbox.js'
import { createMockWorld, makeWorkdir, testEnv, waitFor } from './test-context.js'
import { freePort } from '../support/free-port.js'

/**
 * The "nothing lost" soak: customers @-mention the bot at SOAK_RATE messages/s for SOAK_SECONDS through the
 * puppet service while the bot process is killed with SIGKILL at random moments and restarted. A message is
 * acknowledged once it is in SQLite (the pipeline stores before it acts); every acknowledged message must end up
 * handled exactly once, with one suggestion, and no reply may go out twice. And every message the puppet had
 * announced to the killed process (its id on disk, written before the message is read) is stored after the
 * restart (issue item 16). What is still lost are messages on their way to the process when it died: at this rate
 * on 2 cores a process just started reads the stream slower than it comes (the figures print the loss;
 * QUNDESK_REPLAY_ANNOUNCED=0 shows it without the replay).
 */
const RATE = Number(process.env.SOAK_RATE ?? 1000)
const SECONDS = Number(process.env.SOAK_SECONDS ?? 60)
const BIN = path.resolve(import.meta.dirname, '../../bin/qundesk.js')
const TOKEN = 'insecure_qundesk-soak-token'

/** mulberry32: the same kill moments and questions on every run. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const QUESTIONS = ['我的快递到哪了', '你们几点上班', '怎么开发票', '退款多久到', '我的订单怎么还没发货', '客服几点下班', '查一下物流信息', '发票怎么申请']

const children: ChildProcess[] = []
afterAll(() => { for (const c of children) c.kill('SIGKILL') })

describe('soak: 1,000 @-mentions/s through the puppet service, with random SIGKILLs of the bot', () => {
  it('stores every acknowledged message and handles it exactly once; no reply goes out twice', async () => {
    process.env.WECHATY_PUPPET_SERVICE_NO_TLS_INSECURE_SERVER = 'true'
    const random = prng(20261123)
    const world = createMockWorld()
    const customers: mock.ContactMock[] = Array.from({ length: 50 }, (_, i) => world.mocker.createContact({ name: `客户${i}` }))
    const rooms = Array.from({ length: 5 }, (_, i) => world.mocker.createRoom({ topic: `客户群${i}`, memberIdList: [world.me.id, ...customers.filter((_, j) => j % 5 === i).map((c) => c.id)] }))
    const emitted = new Set<string>()
    let botReplies = 0
    for (const room of rooms) {
      ;(room as unknown as EventEmitter).on('message', (m: mock.MessageMock) => {
        if (m.payload.talkerId === world.me.id) botReplies += 1
        else emitted.add(`wechaty:${m.id}`)
      })
    }
    const endpoint = `127.0.0.1:${await freePort()}`
    const server = new PuppetServer({ endpoint, puppet: world.puppet, token: TOKEN })
    await server.start()

    const work = await makeWorkdir()
    const logFile = path.join(work.dir, 'bot.log')
    const log = fs.createWriteStream(logFile)
    const port = await freePort()
    const env = {
      ...process.env,
      ...testEnv(work, {
        WECHATY_PUPPET: 'wechaty-puppet-service', WECHATY_PUPPET_SERVICE_TOKEN: TOKEN, WECHATY_PUPPET_SERVICE_ENDPOINT: endpoint,
        WECHATY_PUPPET_SERVICE_NO_TLS_INSECURE_CLIENT: 'true', QUNDESK_PORT: String(port), QUNDESK_LOG_LEVEL: process.env.SOAK_LOG_LEVEL ?? 'warn',
      }),
    }
    let bot: ChildProcess | undefined
    let starts = 0
    const startBot = () => {
      starts += 1
      bot = spawn(process.execPath, [...(process.env.SOAK_NODE_FLAGS ?? '').split(' ').filter(Boolean), BIN, 'start'], { env, stdio: ['ignore', 'pipe', 'pipe'] })
      children.push(bot)
      bot.stdout!.pipe(log, { end: false })
      bot.stderr!.pipe(log, { end: false })
    }
    const db = () => new SQLite(path.join(work.dataDir, 'qundesk.sqlite'), { readonly: true, fileMustExist: true })

    // A real puppet service keeps the account logged in across client restarts; the mock needs telling again
    // whenever a client's stop or watchdog reset logged it out.
    const keepLoggedIn = setInterval(() => { if (world.puppet.state.active() && !world.puppet.isLoggedIn) world.login() }, 200)
    // A restarted bot takes messages again once it reports the account online; the puppet cannot deliver to a
    // process that is not there, so the customers wait for that (their 60 s are counted while a bot is up).
    const online = () => waitFor(async () => {
      const res = await fetch(`http://127.0.0.1:${port}/api/health`, { headers: { authorization: `Bearer ${env.QUNDESK_API_TOKEN}` } }).catch(() => undefined)
      return res?.ok === true && ((await res.json()) as { channel: { state: string } }).channel.state === 'online'
    }, { timeoutMs: 60_000, intervalMs: 100 })
    startBot()
    await online()

    // Customers ask at RATE/s for SECONDS; meanwhile the bot is killed at random moments and restarted at once.
    let started = Date.now()
    let sent = 0
    let kills = 0
    // Ids the killed processes had been told about and not stored: each must be stored in the end.
    const announcedAtKills = new Set<string>()
    let nextKill = process.env.SOAK_NO_KILL ? Infinity : started + 3000 + random() * 9000
    while (Date.now() - started < SECONDS * 1000) {
      const due = Math.floor(((Date.now() - started) / 1000) * RATE)
      for (; sent < due; sent++) {
        const customer = customers[Math.floor(random() * customers.length)]!
        const room = rooms[customers.indexOf(customer) % 5]!
        customer.say(`@客服助手\u2005${QUESTIONS[Math.floor(random() * QUESTIONS.length)]}`, [world.me]).to(room)
      }
      if (Date.now() >= nextKill) {
        const dying = bot!
        dying.kill('SIGKILL')
        await new Promise((r) => dying.once('exit', r))
        kills += 1
        const d = db()
        try {
          for (const { message_id } of d.prepare('SELECT message_id FROM announced_messages').all() as Array<{ message_id: string }>) announcedAtKills.add(`wechaty:${message_id}`)
        } finally { d.close() }
        const down = Date.now()
        startBot()
        await online()
        started += Date.now() - down
        nextKill = Date.now() + 4000 + random() * 8000
      }
      await new Promise((r) => setTimeout(r, 10))
    }

    // The last start catches up: everything stored is handled and nothing new has arrived for 3 s. Then stop it gracefully.
    let last = { stored: -1, since: Date.now() }
    await waitFor(() => {
      const d = db()
      try {
        const { stored, received } = d.prepare("SELECT count(*) AS stored, sum(status = 'received') AS received FROM messages").get() as { stored: number; received: number }
        if (stored !== last.stored) last = { stored, since: Date.now() }
        const { pending } = d.prepare('SELECT count(*) AS pending FROM announced_messages').get() as { pending: number }
        return received === 0 && (pending === 0 || process.env.QUNDESK_REPLAY_ANNOUNCED === '0') && Date.now() - last.since > 3000
      } finally { d.close() }
    }, { timeoutMs: 20 * 60_000, intervalMs: 500 })
    bot!.kill('SIGTERM')
    await new Promise((r) => bot!.once('exit', r))
    clearInterval(keepLoggedIn)
    await server.stop()
    log.end()

    const d = db()
    // The bot's own replies come back as messages too (from_self); the customers' are the ones that count.
    const stored = d.prepare("SELECT id, status FROM messages WHERE channel = 'wechaty' AND from_self = 0").all() as Array<{ id: string; status: string }>
    const byStatus = Object.fromEntries((d.prepare("SELECT status, count(*) AS n FROM messages WHERE channel = 'wechaty' AND from_self = 0 GROUP BY status").all() as Array<{ status: string; n: number }>).map((r) => [r.status, r.n]))
    const suggestionsPerMessage = d.prepare('SELECT message_id, count(*) AS n FROM suggestions GROUP BY message_id HAVING n > 1').all()
    const handledWithout = d.prepare("SELECT count(*) AS n FROM messages m WHERE m.channel = 'wechaty' AND m.status = 'handled' AND m.mentions_bot = 1 AND NOT EXISTS (SELECT 1 FROM suggestions s WHERE s.message_id = m.id)").get() as { n: number }
    const outbox = Object.fromEntries((d.prepare('SELECT status, count(*) AS n FROM outbox GROUP BY status').all() as Array<{ status: string; n: number }>).map((r) => [r.status, r.n]))
    const interrupted = (d.prepare('SELECT count(*) AS n FROM outbox WHERE last_error = ?').get(INTERRUPTED_SEND) as { n: number }).n
    const doubleSends = d.prepare("SELECT source, count(*) AS n FROM outbox WHERE status = 'sent' GROUP BY source HAVING n > 1").all()
    // The bot's own replies are announced too, and stored with from_self.
    const storedIds = new Set((d.prepare("SELECT id FROM messages WHERE channel = 'wechaty'").all() as Array<{ id: string }>).map((r) => r.id))
    d.close()

    const lost = emitted.size - stored.length
    const figures = { rate: RATE, seconds: SECONDS, emitted: emitted.size, acknowledged: stored.length, lost, lostPercent: Number(((100 * lost) / Math.max(1, emitted.size)).toFixed(2)), announcedAtKills: announcedAtKills.size, kills, starts, byStatus, outbox, interrupted, botReplies }
    console.log('soak figures', JSON.stringify(figures), 'bot log:', logFile)
    expect(kills).toBeGreaterThanOrEqual(Math.floor(SECONDS / 12))
    // Every acknowledged message is one the puppet delivered, and every one of them was handled.
    expect(stored.filter((m) => !emitted.has(m.id))).toEqual([])
    expect(byStatus.received ?? 0).toBe(0)
    expect(byStatus.failed ?? 0).toBe(0)
    expect(handledWithout.n).toBe(0)
    expect(suggestionsPerMessage).toEqual([])
    // Replies: never two for one suggestion; every reply seen in a group is a recorded send or one the crash interrupted.
    expect(doubleSends).toEqual([])
    expect(botReplies).toBeGreaterThanOrEqual(outbox.sent ?? 0)
    expect(botReplies).toBeLessThanOrEqual((outbox.sent ?? 0) + interrupted)
    expect(stored.length).toBeGreaterThan(0)
    // The crash window: every message announced to a killed process and not stored by it was stored after the restart.
    expect([...announcedAtKills].filter((id) => !storedIds.has(id))).toEqual([])
  }, 30 * 60_000)
})
