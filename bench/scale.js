// @ts-check
/**
 * bench/scale: @-mention -> stored, decided message throughput with QunDesk as production runs it (its own process on
 * wechaty-puppet-service, one mock account per process): on PostgreSQL with one and with two processes (each with
 * its own account and groups, one database), against SQLite with one process (the baseline, the embedded default),
 * all in the same run. The same total of @-mentions is offered faster than one process handles them, split over the
 * accounts; throughput is messages decided per second (suggestion, auto-send, slot question or hand-over) from the first @ to the last. The PostgreSQL
 * server is a throwaway cluster on loopback (Debian's package) with fsync on and synchronous_commit off, the same
 * durability trade-off as SQLite's WAL with synchronous=NORMAL (a crash of the machine may lose the last commits,
 * never corrupts).
 *
 * Then the full re-tag (`retagAll()`, bench/tagging's 20 rules + lifecycle) of the same generated world on both
 * databases: bench/tagging's world at 1,000,000 memberships (2,000,000 messages by default: the re-tag reads the
 * last 90 days of them), moved to PostgreSQL with `qundesk db copy`'s copyDatabase (timed too). Run 1 tags everyone
 * for the first time, run 2 is the steady state a day later. Prints figures and ratios; asserts nothing.
 *
 *   node bench/scale.js [messages=3000] [members=1000000] [messageRows=2000000]
 *   node bench/scale.js 3000 0          (throughput only)
 *   node bench/scale.js 0               (re-tag only)
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import SQLite from 'better-sqlite3'
import pg from 'pg'
import { createLogger } from '../dist/core/logger.js'
import { createDb } from '../dist/storage/create-db.js'
import { copyDatabase, openStoredDatabase } from '../dist/storage/db-copy.js'
import { createTaggingService } from '../dist/tagging/tagging-service.js'
import { until } from './support/mock-world.js'
import { postgresHelper } from './support/postgres.js'
import { serviceWorld, spawnBot } from './support/service-world.js'
import { DAY, NOW, ensureWorld, loadBenchRules, resetWorld } from './support/tagging-world.js'

const N = Number(process.argv[2] ?? 3000)
const MEMBERS = Number(process.argv[3] ?? 1_000_000)
const MESSAGE_ROWS = Number(process.argv[4] ?? 2_000_000)
/** Production-like durability: see the header. */
const PG_SETTINGS = { fsync: 'on', full_page_writes: 'on', synchronous_commit: 'off', shared_buffers: '512MB' }
/** Offered load per account (@/s): well above what one process on this machine handles. */
const OFFERED_RATE = 400

/**
 * @param {number} processes
 * @param {string | undefined} databaseUrl
 */
async function run(processes, databaseUrl) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qundesk-bench-scale-'))
  const worlds = []
  const bots = []
  for (let i = 0; i < processes; i++) {
    const w = await serviceWorld(`insecure_qundesk-bench-scale-${i + 1}`)
    worlds.push(w)
    bots.push(await spawnBot(w, { QUNDESK_DATA_DIR: path.join(dir, `data-${i + 1}`), QUNDESK_INSTANCE_ID: `bench-${i + 1}`, ...(databaseUrl ? { QUNDESK_DATABASE_URL: databaseUrl } : {}) }))
  }
  /** @type {() => Promise<number>} */
  let count
  /** @type {() => Promise<void>} */
  let close = async () => undefined
  if (databaseUrl) {
    const client = new pg.Client({ connectionString: databaseUrl })
    await client.connect()
    count = async () => Number((await client.query("SELECT count(*) AS n FROM messages WHERE from_self = 0 AND status <> 'received'")).rows[0].n)
    close = async () => { await client.end() }
  } else {
    const file = path.join(dir, 'data-1', 'qundesk.sqlite')
    count = async () => {
      const db = new SQLite(file, { readonly: true, fileMustExist: true })
      try { return /** @type {{ n: number }} */ (db.prepare("SELECT count(*) AS n FROM messages WHERE from_self = 0 AND status <> 'received'").get()).n } finally { db.close() }
    }
  }
  const perWorld = Math.ceil(N / processes)
  const t0 = Date.now()
  await Promise.all(worlds.map((w) => w.drive(perWorld / OFFERED_RATE, OFFERED_RATE)))
  const asked = worlds.reduce((n, w) => n + w.askedAt.size, 0)
  await until(async () => (await count()) >= asked, 1_800_000)
  const ms = Date.now() - t0
  await close()
  for (const bot of bots) await bot.stop()
  for (const w of worlds) await w.stop()
  fs.rmSync(dir, { recursive: true, force: true })
  return { asked, ms }
}

/**
 * retagAll() twice on `db` (the world as generated, untagged): first tagging, then the steady state a day later.
 * @param {import('../dist/storage/create-db.js').Db} db @param {Awaited<ReturnType<typeof loadBenchRules>>} rules
 */
async function retagRuns(db, rules) {
  let now = new Date(NOW)
  const tagging = createTaggingService({ db, clock: () => now, logger: createLogger({ level: 'silent' }), rules, utcOffsetMinutes: 480 })
  const runs = []
  for (const day of [0, 1]) {
    now = new Date(NOW + day * DAY)
    const t0 = performance.now()
    const result = await tagging.retagAll()
    runs.push({ ms: performance.now() - t0, result })
  }
  await tagging.stop()
  return runs
}

/** The re-tag of the generated world on SQLite (its own file) and on a PostgreSQL copy of it. @param {string} url */
async function retag(url) {
  const world = ensureWorld(MEMBERS, MESSAGE_ROWS)
  const raw = new SQLite(world.file)
  resetWorld(raw)
  raw.close()
  // Brought to the current migration as QunDesk opens it; then copied untagged, as an install moving over would be.
  await (await createDb({ file: world.file })).destroy()
  const from = openStoredDatabase({ kind: 'sqlite', file: world.file }, { readonly: true })
  const to = openStoredDatabase({ kind: 'postgres', url })
  const copy = await copyDatabase(from, to)
  await from.destroy()
  await to.destroy()
  if (!copy.ok) throw new Error(`the copy to PostgreSQL did not verify: ${JSON.stringify(copy.countMismatches)}`)
  const copied = copy.tables.reduce((n, t) => n + t.rows, 0)

  const rules = await loadBenchRules()
  const sqliteDb = await createDb({ file: world.file })
  const onSqlite = await retagRuns(sqliteDb, rules)
  await sqliteDb.destroy()
  const pgDb = await createDb({ url })
  const onPostgres = await retagRuns(pgDb, rules)
  await pgDb.destroy()
  return { world, copy: { rows: copied, ms: copy.ms }, onSqlite, onPostgres }
}

const { startPostgres } = await postgresHelper()
const server = await startPostgres({ settings: PG_SETTINGS })
try {
  console.log(`bench/scale  node ${process.version}  ${os.cpus().length} cpus  PostgreSQL ${JSON.stringify(PG_SETTINGS)}`)
  if (N > 0) {
    const sqlite = await run(1, undefined)
    const pg1 = await run(1, await server.createDatabase())
    const pg2 = await run(2, await server.createDatabase())
    const rate = (/** @type {{ asked: number; ms: number }} */ r) => (r.asked / r.ms) * 1000
    const line = (/** @type {{ asked: number; ms: number }} */ r) => `${rate(r).toFixed(0)} msg/s (${r.asked} in ${(r.ms / 1000).toFixed(1)} s)`
    console.log(`  throughput ${N} @-mentions offered at ${OFFERED_RATE}/s per account, each instance its own process on wechaty-puppet-service`)
    console.log(`  baseline  SQLite, 1 process                 : ${line(sqlite)}`)
    console.log(`  postgres  1 process                         : ${line(pg1)}, ${(rate(pg1) / rate(sqlite)).toFixed(2)}x of SQLite`)
    console.log(`  postgres  2 processes, one database         : ${line(pg2)}, ${(rate(pg2) / rate(sqlite)).toFixed(2)}x of SQLite, ${(rate(pg2) / rate(pg1)).toFixed(2)}x of 1 process`)
  }
  if (MEMBERS > 0) {
    const r = await retag(await server.createDatabase())
    const s = (/** @type {number} */ ms) => `${(ms / 1000).toFixed(1)} s`
    console.log(`  re-tag    ${MEMBERS.toLocaleString('en')} memberships, ${r.world.info.messages.toLocaleString('en')} messages (world ${r.world.generation}); copied to PostgreSQL with copyDatabase: ${r.copy.rows.toLocaleString('en')} rows in ${s(r.copy.ms)} (${((r.copy.rows / r.copy.ms) * 1000).toFixed(0)} rows/s)`)
    for (const [i, label] of [[0, 'run 1, first tagging      '], [1, 'run 2, steady state       ']]) {
      const a = /** @type {{ ms: number, result: unknown }} */ (r.onSqlite[/** @type {number} */ (i)])
      const b = /** @type {{ ms: number, result: unknown }} */ (r.onPostgres[/** @type {number} */ (i)])
      console.log(`  baseline  SQLite    retagAll ${label}: ${s(a.ms)}  ${JSON.stringify(a.result)}`)
      console.log(`  postgres  PostgreSQL retagAll ${label}: ${s(b.ms)}, ${(b.ms / a.ms).toFixed(2)}x of SQLite's time  ${JSON.stringify(b.result)}`)
    }
  }
} finally {
  await server.stop()
}
