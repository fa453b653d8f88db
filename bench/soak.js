// @ts-check
/**
 * bench/soak: QunDesk as it runs in production — a separate process on wechaty-puppet-service — under a steady
 * stream of @-mentions for a long run. Reports the messages/s it held, the latency from the customer's @ to the
 * stored suggestion (median, p99), and the bot's RSS over time with its slope (it must stay flat). The baseline,
 * measured in the same run on the same puppet service, is a bare Wechaty client that only receives the messages.
 * Prints figures and ratios; asserts nothing.
 *
 *   node bench/soak.js [seconds=600] [rate=50]      (npm run bench runs it with the defaults: about 21 minutes)
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import SQLite from 'better-sqlite3'
import { WechatyBuilder } from 'wechaty'
import { PuppetService } from 'wechaty-puppet-service'
import { until } from './support/mock-world.js'
import { serviceWorld, spawnBot } from './support/service-world.js'

const SECONDS = Number(process.argv[2] ?? 600)
const RATE = Number(process.argv[3] ?? 50)
const TOKEN = 'insecure_qundesk-bench-soak'

/** RSS of a process in MB, from /proc (the bot runs in its own process). @param {number} pid */
function rssMb(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8')
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024
}

/** Least-squares slope of y over x. @param {number[][]} points */
function slope(points) {
  const n = points.length
  const mx = points.reduce((a, p) => a + (p[0] ?? 0), 0) / n
  const my = points.reduce((a, p) => a + (p[1] ?? 0), 0) / n
  const num = points.reduce((a, p) => a + ((p[0] ?? 0) - mx) * ((p[1] ?? 0) - my), 0)
  const den = points.reduce((a, p) => a + ((p[0] ?? 0) - mx) ** 2, 0)
  return den === 0 ? 0 : num / den
}

/** @param {number[]} sorted @param {number} p */
const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN

/** Samples RSS every 10 s while `running` (skipping the first minute of warm-up for the slope). @param {number} pid */
function sampler(pid) {
  /** @type {number[][]} */
  const samples = []
  const t0 = Date.now()
  const timer = setInterval(() => { try { samples.push([(Date.now() - t0) / 60_000, rssMb(pid)]) } catch { /* exited */ } }, 10_000)
  return {
    stop: () => {
      clearInterval(timer)
      const steady = samples.filter(([minute]) => (minute ?? 0) >= 1)
      return { first: samples[0]?.[1] ?? NaN, last: samples.at(-1)?.[1] ?? NaN, max: Math.max(...samples.map((s) => s[1] ?? 0)), slopeMbPerMin: slope(steady.length > 2 ? steady : samples) }
    },
  }
}

async function baseline() {
  const w = await serviceWorld(TOKEN)
  // The bare client runs in this process; its RSS is this process's, minus nothing: measured the same way.
  const bot = WechatyBuilder.build({ puppet: new PuppetService({ endpoint: w.endpoint, token: TOKEN }) })
  bot.on('error', () => undefined)
  /** @type {number[]} */
  const latencies = []
  bot.on('message', (m) => { const at = w.askedAt.get(m.id); if (at !== undefined) latencies.push(Date.now() - at) })
  await bot.start()
  await until(() => bot.isLoggedIn)
  const rss = sampler(process.pid)
  const asked = await w.drive(SECONDS, RATE)
  await until(() => latencies.length >= asked * 0.999, 600_000).catch(() => undefined)
  const memory = rss.stop()
  await bot.stop()
  await w.stop()
  latencies.sort((a, b) => a - b)
  return { asked, received: latencies.length, median: pct(latencies, 0.5), p99: pct(latencies, 0.99), memory }
}

async function qundesk() {
  const w = await serviceWorld(TOKEN)
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qundesk-bench-soak-'))
  const bot = await spawnBot(w, { QUNDESK_DATA_DIR: dir })
  const child = bot.child
  const file = path.join(dir, 'qundesk.sqlite')
  const query = (/** @type {string} */ sql) => {
    const db = new SQLite(file, { readonly: true, fileMustExist: true })
    try { return db.prepare(sql).all() } finally { db.close() }
  }
  const rss = sampler(/** @type {number} */ (child.pid))
  const t0 = Date.now()
  const asked = await w.drive(SECONDS, RATE)
  const offeredMs = Date.now() - t0
  // Caught up: every stored message handled, and nothing new for 5 s.
  let last = { n: -1, at: Date.now() }
  await until(() => {
    const [row] = /** @type {Array<{ n: number; open: number }>} */ (query("SELECT count(*) AS n, sum(status = 'received') AS open FROM messages WHERE from_self = 0"))
    if (row && row.n !== last.n) last = { n: row.n, at: Date.now() }
    return !!row && row.open === 0 && Date.now() - last.at > 5000
  }, 1_800_000)
  const drainMs = Date.now() - t0 - offeredMs
  const memory = rss.stop()
  const rows = /** @type {Array<{ message_id: string; created_at: string }>} */ (query('SELECT message_id, created_at FROM suggestions'))
  const latencies = rows.flatMap((r) => { const at = w.askedAt.get(r.message_id.replace(/^wechaty:/, '')); return at === undefined ? [] : [Date.parse(r.created_at) - at] }).sort((a, b) => a - b)
  await bot.stop()
  await w.stop()
  fs.rmSync(dir, { recursive: true, force: true })
  return { asked, suggestions: rows.length, heldPerSecond: rows.length / ((offeredMs + drainMs) / 1000), drainMs, median: pct(latencies, 0.5), p99: pct(latencies, 0.99), memory }
}

const base = await baseline()
const q = await qundesk()
const mb = (/** @type {number} */ x) => `${x.toFixed(0)} MB`
console.log(`bench/soak  ${SECONDS} s at ${RATE} @-mentions/s over wechaty-puppet-service (loopback)  node ${process.version}  ${os.cpus().length} cpus`)
console.log(`  baseline  bare Wechaty client, receive only : ${base.received}/${base.asked} received; latency median ${base.median} ms, p99 ${base.p99} ms; RSS ${mb(base.memory.first)} -> ${mb(base.memory.last)} (max ${mb(base.memory.max)}), slope ${base.memory.slopeMbPerMin.toFixed(2)} MB/min`)
console.log(`  qundesk   @ -> stored suggestion          : ${q.suggestions}/${q.asked} suggestions, held ${q.heldPerSecond.toFixed(1)} msg/s (offered ${RATE}), backlog drained ${(q.drainMs / 1000).toFixed(1)} s after the last @`)
console.log(`            latency median ${q.median} ms, p99 ${q.p99} ms; RSS ${mb(q.memory.first)} -> ${mb(q.memory.last)} (max ${mb(q.memory.max)}), slope ${q.memory.slopeMbPerMin.toFixed(2)} MB/min`)
console.log(`  ratios    p99 latency qundesk / baseline ${(q.p99 / Math.max(1, base.p99)).toFixed(1)}x; held rate / offered ${(q.heldPerSecond / RATE).toFixed(2)}x`)
