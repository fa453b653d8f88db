// @ts-check
/**
 * bench/scale: @-mention -> stored suggestion throughput with QunDesk as production runs it (its own process on
 * wechaty-puppet-service, one mock account per process): on PostgreSQL with one and with two processes (each with
 * its own account and groups, one database), against SQLite with one process (the baseline, the embedded default),
 * all in the same run. The same total of @-mentions is offered faster than one process handles them, split over the
 * accounts; throughput is suggestions stored per second from the first @ to the last suggestion. The PostgreSQL
 * server is a throwaway cluster on loopback (Debian's package). Prints figures and ratios; asserts nothing.
 *
 *   node bench/scale.js [messages=3000]
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import SQLite from 'better-sqlite3'
import pg from 'pg'
import { until } from './support/mock-world.js'
import { postgresHelper } from './support/postgres.js'
import { serviceWorld, spawnBot } from './support/service-world.js'

const N = Number(process.argv[2] ?? 3000)
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
    count = async () => Number((await client.query('SELECT count(*) AS n FROM suggestions')).rows[0].n)
    close = async () => { await client.end() }
  } else {
    const file = path.join(dir, 'data-1', 'qundesk.sqlite')
    count = async () => {
      const db = new SQLite(file, { readonly: true, fileMustExist: true })
      try { return /** @type {{ n: number }} */ (db.prepare('SELECT count(*) AS n FROM suggestions').get()).n } finally { db.close() }
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

const { startPostgres } = await postgresHelper()
const server = await startPostgres()
try {
  const sqlite = await run(1, undefined)
  const pg1 = await run(1, await server.createDatabase())
  const pg2 = await run(2, await server.createDatabase())
  const rate = (/** @type {{ asked: number; ms: number }} */ r) => (r.asked / r.ms) * 1000
  const line = (/** @type {{ asked: number; ms: number }} */ r) => `${rate(r).toFixed(0)} msg/s (${r.asked} in ${(r.ms / 1000).toFixed(1)} s)`
  console.log(`bench/scale  ${N} @-mentions offered at ${OFFERED_RATE}/s per account  node ${process.version}  ${os.cpus().length} cpus  (each instance its own process on wechaty-puppet-service)`)
  console.log(`  baseline  SQLite, 1 process                 : ${line(sqlite)}`)
  console.log(`  postgres  1 process                         : ${line(pg1)}, ${(rate(pg1) / rate(sqlite)).toFixed(2)}x of SQLite`)
  console.log(`  postgres  2 processes, one database         : ${line(pg2)}, ${(rate(pg2) / rate(sqlite)).toFixed(2)}x of SQLite, ${(rate(pg2) / rate(pg1)).toFixed(2)}x of 1 process`)
} finally {
  await server.stop()
}
