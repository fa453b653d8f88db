// @ts-check
/**
 * bench/burst-kill: the crash window on a burst (issue item 16). QunDesk runs as in production, its own process on
 * wechaty-puppet-service; 200 @-mentions arrive at once and the bot is killed with SIGKILL while it is reading
 * them (after 20 are stored), then started again. Reports how many of the 200 end up stored (and none twice), with
 * the announced ids recorded and read again after the restart, and without (QUNDESK_REPLAY_ANNOUNCED=0, the old
 * behaviour), measured in the same run. Then, in this process, how long an announced id waits before it is on
 * disk while 1,000 ids/s are announced and stored. Prints figures and ratios; asserts nothing.
 *
 *   node bench/burst-kill.js [rounds=3] [burst=200]
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import SQLite from 'better-sqlite3'
import { createAnnouncedMessages } from '../dist/channels/wechaty/announced-messages.js'
import { createLogger } from '../dist/core/logger.js'
import { openDb } from '../dist/storage/create-db.js'
import { insertMessageOnce } from '../dist/storage/message.repository.js'
import { until } from './support/mock-world.js'
import { serviceWorld, spawnBot } from './support/service-world.js'

const ROUNDS = Number(process.argv[2] ?? 3)
const BURST = Number(process.argv[3] ?? 200)
const KILL_AFTER_STORED = Math.max(1, Math.floor(BURST / 10))
const TOKEN = 'insecure_qundesk-bench-burst-kill'

/** One burst with a SIGKILL in the middle. @param {boolean} replay */
async function round(replay) {
  const w = await serviceWorld(TOKEN)
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qundesk-bench-burst-'))
  const env = { QUNDESK_DATA_DIR: dir, QUNDESK_REPLAY_ANNOUNCED: replay ? '1' : '0' }
  const file = path.join(dir, 'qundesk.sqlite')
  const one = (/** @type {string} */ sql) => {
    const db = new SQLite(file, { readonly: true, fileMustExist: true })
    try { return /** @type {Record<string, number>} */ (db.prepare(sql).get()) } finally { db.close() }
  }
  let bot = await spawnBot(w, env)
  w.burst(BURST)
  await until(() => one('SELECT count(*) AS n FROM messages WHERE from_self = 0').n >= KILL_AFTER_STORED, 120_000)
  bot.child.kill('SIGKILL')
  await new Promise((r) => bot.child.once('exit', r))
  const atKill = one("SELECT (SELECT count(*) FROM messages WHERE from_self = 0) AS stored, (SELECT count(*) FROM announced_messages) AS announced")
  bot = await spawnBot(w, env)
  // Caught up: nothing left to read again (with the replay), everything stored handled, nothing new for 3 s.
  let last = { n: -1, at: Date.now() }
  await until(() => {
    const row = one("SELECT count(*) AS n, coalesce(sum(status = 'received'), 0) AS open, (SELECT count(*) FROM announced_messages) AS pending FROM messages WHERE from_self = 0")
    if (row.n !== last.n) last = { n: row.n ?? 0, at: Date.now() }
    return row.open === 0 && (!replay || row.pending === 0) && Date.now() - last.at > 3000
  }, 300_000)
  const stored = one('SELECT count(*) AS n FROM messages WHERE from_self = 0').n ?? 0
  const twice = one('SELECT count(*) AS n FROM (SELECT message_id FROM suggestions GROUP BY message_id HAVING count(*) > 1) AS d').n ?? 0
  await bot.stop()
  await w.stop()
  fs.rmSync(dir, { recursive: true, force: true })
  return { storedAtKill: atKill.stored ?? 0, announcedAtKill: atKill.announced ?? 0, stored, lost: BURST - stored, twice }
}

/** The announce -> on disk lag at `rate` ids/s for `seconds`, each id stored as a message 5-50 ms later and settled. */
async function announceLag(seconds = 5, rate = 1000) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qundesk-bench-announce-'))
  const db = await openDb({ databaseFile: path.join(dir, 'qundesk.sqlite') })
  const announced = createAnnouncedMessages({ db, instanceId: 'bench', channel: 'wechaty', clock: () => new Date(), logger: createLogger({ level: 'silent' }) })
  /** @type {Promise<void>[]} */
  const storing = []
  const started = Date.now()
  let n = 0
  while (Date.now() - started < seconds * 1000) {
    for (const due = Math.floor(((Date.now() - started) / 1000) * rate); n < due; n++) {
      const id = `bench-${n}`
      announced.announce(id)
      storing.push(new Promise((r) => setTimeout(r, 5 + Math.random() * 45)).then(async () => {
        const at = new Date().toISOString()
        await insertMessageOnce(db, { id: `wechaty:${id}`, channel: 'wechaty', group_id: 'g@chatroom', group_name: '群', sender_id: 's', sender_name: '客户', text: '@客服助手 你好', question: '你好', mentions_bot: 1, from_self: 0, sent_at: at, received_at: at, status: 'received' })
        announced.settle(id)
      }))
    }
    await new Promise((r) => setTimeout(r, 1))
  }
  await Promise.all(storing)
  await announced.flush()
  const left = Number((await db.selectFrom('announced_messages').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)
  await db.destroy()
  fs.rmSync(dir, { recursive: true, force: true })
  return { ids: n, ...announced.stats(), left }
}

/** @param {Array<{ stored: number; lost: number; twice: number; storedAtKill: number; announcedAtKill: number }>} rounds */
const summary = (rounds) => {
  const lost = rounds.reduce((a, r) => a + r.lost, 0)
  const total = BURST * rounds.length
  return { lost, total, percent: (100 * lost) / total, twice: rounds.reduce((a, r) => a + r.twice, 0), storedAtKill: rounds.map((r) => r.storedAtKill).join('/'), announcedAtKill: rounds.map((r) => r.announcedAtKill).join('/'), perRound: rounds.map((r) => r.lost).join('/') }
}

/** @type {Array<Awaited<ReturnType<typeof round>>>} */
const without = []
/** @type {Array<Awaited<ReturnType<typeof round>>>} */
const withReplay = []
// Interleaved, so both see the same machine load.
for (let i = 0; i < ROUNDS; i++) {
  without.push(await round(false))
  withReplay.push(await round(true))
}
const lag = await announceLag()
const a = summary(without)
const b = summary(withReplay)
console.log(`bench/burst-kill  ${ROUNDS} rounds: ${BURST} @-mentions at once over wechaty-puppet-service (loopback), SIGKILL after ${KILL_AFTER_STORED} stored, restart  node ${process.version}  ${os.cpus().length} cpus`)
console.log(`  baseline  no replay (QUNDESK_REPLAY_ANNOUNCED=0): lost ${a.lost}/${a.total} (${a.percent.toFixed(1)} %), per round ${a.perRound}; stored at the kill ${a.storedAtKill}; answered twice ${a.twice}`)
console.log(`  qundesk   announced ids read again            : lost ${b.lost}/${b.total} (${b.percent.toFixed(1)} %), per round ${b.perRound}; stored at the kill ${b.storedAtKill}, ids on disk at the kill ${b.announcedAtKill}; answered twice ${b.twice}`)
console.log(`  ratios    messages kept ${((b.total - b.lost) / Math.max(1, a.total - a.lost)).toFixed(1)}x the baseline's; loss ${a.lost === 0 ? 'n/a' : (b.lost / a.lost).toFixed(3) + 'x'} the baseline's`)
console.log(`  announce  ${lag.ids} ids at 1,000/s, stored and settled: ${lag.writes} writes (${(lag.ids / Math.max(1, lag.writes)).toFixed(1)} ids per write), wait of each write's oldest id before on disk: mean ${lag.meanLagMs.toFixed(1)} ms, longest ${lag.maxLagMs} ms; ids left in the table ${lag.left}`)
