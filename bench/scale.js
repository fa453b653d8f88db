// @ts-check
/**
 * bench/scale: @-mention -> stored suggestion throughput on PostgreSQL with one and with two QunDesk instances
 * (each with its own mock account and group, one database), against SQLite with one instance (the baseline, the
 * embedded default), all measured in the same run. Each instance is a full QunDesk (Wechaty mock puppet, pipeline,
 * NLU, outbox, HTTP) in this process; the PostgreSQL server is a throwaway cluster on loopback (Debian's package).
 * Prints figures and ratios; asserts nothing.
 *
 *   node bench/scale.js [messages=2000]
 */
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { loadConfig } from '../dist/config/load-config.js'
import { createLogger } from '../dist/core/logger.js'
import { startQunDesk } from '../dist/main.js'
import { postgresHelper } from './support/postgres.js'
import { until, world } from './support/mock-world.js'

const ROOT = path.resolve(import.meta.dirname, '..')
const N = Number(process.argv[2] ?? 2000)

/**
 * Starts `instances` QunDesk processes' worth on one database, sends N @-mentions spread over their groups at once,
 * and times until N suggestions are stored.
 * @param {number} instances
 * @param {string | undefined} databaseUrl
 */
async function run(instances, databaseUrl) {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'qundesk-bench-scale-'))
  const apps = []
  for (let i = 0; i < instances; i++) {
    const w = world(`压测群${i + 1}`)
    const config = loadConfig({
      QUNDESK_DATA_DIR: dir, QUNDESK_KNOWLEDGE_DIR: path.join(ROOT, 'knowledge'), QUNDESK_PORT: '0', QUNDESK_API_TOKEN: 'bench-token-0123456789',
      QUNDESK_LOG_LEVEL: 'silent', QUNDESK_INSTANCE_ID: `bench-${i + 1}`, ...(databaseUrl ? { QUNDESK_DATABASE_URL: databaseUrl } : {}),
    })
    const app = await startQunDesk(config, { puppet: w.puppet, logger: createLogger({ level: 'silent' }) })
    w.login()
    await until(() => app.channel.isLoggedIn())
    apps.push({ app, w })
  }
  const db = apps[0]?.app.db
  if (!db) throw new Error('no instance')
  const count = async () => Number((await db.selectFrom('suggestions').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)
  const t0 = performance.now()
  for (let i = 0; i < N; i++) apps[i % instances]?.w.ask(Math.floor(i / instances))
  await until(async () => (await count()) >= N)
  const ms = performance.now() - t0
  for (const { app } of apps) await app.stop()
  await fs.rm(dir, { recursive: true, force: true })
  return ms
}

const { startPostgres } = await postgresHelper()
const server = await startPostgres()
try {
  const sqliteMs = await run(1, undefined)
  const pg1Ms = await run(1, await server.createDatabase())
  const pg2Ms = await run(2, await server.createDatabase())
  const rate = (/** @type {number} */ ms) => (N / ms) * 1000
  console.log(`bench/scale  messages=${N}  node ${process.version}  ${os.cpus().length} cpus  (all instances in one process on this machine)`)
  console.log(`  baseline  SQLite, 1 instance                : ${rate(sqliteMs).toFixed(0)} msg/s (${sqliteMs.toFixed(0)} ms)`)
  console.log(`  postgres  1 instance                        : ${rate(pg1Ms).toFixed(0)} msg/s (${pg1Ms.toFixed(0)} ms), ${(rate(pg1Ms) / rate(sqliteMs)).toFixed(2)}x of SQLite`)
  console.log(`  postgres  2 instances, one database         : ${rate(pg2Ms).toFixed(0)} msg/s (${pg2Ms.toFixed(0)} ms), ${(rate(pg2Ms) / rate(sqliteMs)).toFixed(2)}x of SQLite, ${(rate(pg2Ms) / rate(pg1Ms)).toFixed(2)}x of 1 instance`)
} finally {
  await server.stop()
}
