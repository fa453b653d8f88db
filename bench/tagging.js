// @ts-check
/**
 * bench/tagging: member tagging at scale. Generates (once, cached in the OS temp folder) a SQLite database with
 * 1,000,000 memberships over ~2,000 groups and 20,000,000 message rows spread over the last 120 days (skewed
 * activity: many lurkers, a few very chatty members, some fading away; ~5% have left; ~20% of the people have
 * imported CRM attributes; every message that mentions the bot has a suggestion row), then measures, in one run:
 *
 *   - the baseline: one hand-written SQL aggregate over the same rows (the windows the rules read, grouped by
 *     group and sender, left-joined to group_members), every result row iterated, no JS evaluation, no writes;
 *   - the full re-tag (`retagAll()`) with 20 tag rules + lifecycle: run 1 tags everyone for the first time (every
 *     tag is written, with history), run 2 is the steady state one day later (few changes); each against the
 *     baseline (goal: <= 1.5x), in wall-clock and CPU time (the steadier figure on a shared machine);
 *   - where the steady-state time goes: the activity query drained alone (time inside SQLite vs kysely's stream),
 *     and run 3 (another day later) through a connection whose statements are timed: before the stream, stream
 *     (SQLite vs JS: kysely + rule evaluation), writes (SQLite, statement preparation, JS);
 *   - the incremental re-tag of one member right after a message (`retagMember()`): median / p99;
 *   - peak RSS of the bench process (the data is generated in a child process so it does not count).
 *
 * Prints figures and ratios; asserts nothing.
 *
 *   npm run bench            (all benches)
 *   node bench/tagging.js [members=1000000] [rows=20000000] [--plans]      (--plans prints EXPLAIN QUERY PLAN)
 *   BENCH_TAGGING_MEMBERS=20000 BENCH_TAGGING_ROWS=400000 node bench/tagging.js
 */
import fs from 'node:fs'
import os from 'node:os'
import { performance } from 'node:perf_hooks'
import Database from 'better-sqlite3'
import { Kysely, SqliteDialect } from 'kysely'
import { createLogger } from '../dist/core/logger.js'
import { createDb } from '../dist/storage/create-db.js'
import { streamMemberActivity } from '../dist/storage/member-metrics.repository.js'
import { createTaggingService } from '../dist/tagging/tagging-service.js'
import { DAY, NOW, ensureWorld, groupsFor, iso, loadBenchRules, random, resetWorld } from './support/tagging-world.js'

const positional = process.argv.slice(2).filter((a) => !a.startsWith('--'))
const MEMBERS = Number(positional[0] ?? process.env.BENCH_TAGGING_MEMBERS ?? 1_000_000)
const ROWS = Number(positional[1] ?? process.env.BENCH_TAGGING_ROWS ?? 20_000_000)
const PLANS = process.argv.includes('--plans')
const GROUPS = groupsFor(MEMBERS)
const INCREMENTAL = Math.min(1000, MEMBERS)

// ---- helpers --------------------------------------------------------------------------------------------------

const seconds = (/** @type {number} */ ms) => (ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`)
const mb = (/** @type {number} */ bytes) => `${(bytes / 1024 / 1024).toFixed(0)} MB`
const n = (/** @type {number} */ v) => v.toLocaleString('en')
const peakRss = () => process.resourceUsage().maxRSS * 1024

/**
 * Wall-clock and CPU time (user + system, this process) of some work. CPU time is the steadier figure on a busy
 * machine: the data is in the page cache, so reads are CPU-bound and wall time adds waiting for a core (and, for
 * writes, fsync at WAL checkpoints).
 * @template T @param {() => Promise<T> | T} work
 */
async function timed(work) {
  const t0 = performance.now()
  const c0 = process.cpuUsage()
  const result = await work()
  const cpu = process.cpuUsage(c0)
  return { ms: performance.now() - t0, cpuMs: (cpu.user + cpu.system) / 1000, result }
}

/** EXPLAIN QUERY PLAN as an indented tree. @param {Database.Database} sqlite @param {string} sql @param {unknown[] | Record<string, unknown>} params */
function plan(sqlite, sql, params) {
  /** @type {Array<{ id: number, parent: number, detail: string }>} */
  const rows = /** @type {any} */ (sqlite.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(params))
  const depth = new Map([[0, 0]])
  return rows.map((r) => {
    const level = (depth.get(r.parent) ?? 0) + 1
    depth.set(r.id, level)
    return `      ${'  '.repeat(level - 1)}${r.detail}`
  }).join('\n')
}

// ---- the database: generated once per size, then reused -----------------------------------------------------

const { file: FILE, generation, info: generated } = ensureWorld(MEMBERS, ROWS)
const fileSize = () => [FILE, `${FILE}-wal`].reduce((sum, f) => sum + (fs.existsSync(f) ? fs.statSync(f).size : 0), 0)

const sqlite = new Database(FILE)
sqlite.pragma('busy_timeout = 5000')
// A reused database carries the last run's tags and incremental messages: put it back as generated.
const resetStarted = performance.now()
resetWorld(sqlite)
const resetMs = performance.now() - resetStarted
const sizeBefore = fileSize()
const rules = await loadBenchRules()

const db = await createDb({ file: FILE })
let clockNow = new Date(NOW)
const tagging = createTaggingService({ db, clock: () => clockNow, logger: createLogger({ level: 'silent' }), rules, utcOffsetMinutes: 480 })

// ---- baseline: one hand-written aggregate over the same rows -------------------------------------------------

const windows = (/** @type {number} */ now) => ({ d7: iso(now - 7 * DAY), d30: iso(now - 30 * DAY), d60: iso(now - 60 * DAY), d90: iso(now - 90 * DAY) })
const BASELINE_SQL = `
  SELECT gm.group_id, gm.member_id, gm.joined_at, gm.left_at, m.*
  FROM group_members gm
  LEFT JOIN (
    SELECT group_id, sender_id,
      SUM(CASE WHEN sent_at >= @d7 THEN 1 ELSE 0 END) AS messages_7d,
      SUM(CASE WHEN sent_at >= @d30 THEN 1 ELSE 0 END) AS messages_30d,
      COUNT(*) AS messages_90d,
      SUM(CASE WHEN sent_at >= @d60 AND sent_at < @d30 THEN 1 ELSE 0 END) AS messages_prev_30d,
      SUM(CASE WHEN sent_at >= @d7 AND mentions_bot = 1 THEN 1 ELSE 0 END) AS mentions_7d,
      SUM(CASE WHEN sent_at >= @d30 AND mentions_bot = 1 THEN 1 ELSE 0 END) AS mentions_30d,
      SUM(mentions_bot) AS mentions_90d,
      COUNT(DISTINCT CASE WHEN sent_at >= @d30 THEN SUBSTR(sent_at, 1, 10) END) AS active_days_30d,
      MAX(sent_at) AS last_active_at,
      SUM(CASE WHEN sent_at >= @d30 AND emotion_severity IN ('mild', 'moderate', 'severe') THEN 1 ELSE 0 END) AS negative_messages_30d,
      SUM(CASE WHEN sent_at >= @d30 AND emotion_severity = 'severe' THEN 1 ELSE 0 END) AS severe_messages_30d
    FROM messages
    WHERE from_self = 0 AND sent_at >= @d90
    GROUP BY group_id, sender_id
  ) m ON m.group_id = gm.group_id AND m.sender_id = gm.member_id`
const baselineStmt = sqlite.prepare(BASELINE_SQL).raw()
function baseline(/** @type {number} */ now) {
  let rows = 0
  for (const _ of baselineStmt.iterate(windows(now))) rows++
  return rows
}

const warm = await timed(() => baseline(NOW + DAY))
const base = await timed(() => baseline(NOW + DAY))
const rssAfterBaseline = peakRss()

// ---- full re-tag: first run, then the steady state a day later ----------------------------------------------

clockNow = new Date(NOW)
const run1 = await timed(() => tagging.retagAll())
const rssAfterRun1 = peakRss()
const history1 = /** @type {{ n: number }} */ (sqlite.prepare('SELECT COUNT(*) AS n FROM member_tag_history').get()).n
const actions1 = /** @type {{ n: number }} */ (sqlite.prepare('SELECT COUNT(*) AS n FROM tag_actions').get()).n
clockNow = new Date(NOW + DAY)
const run2 = await timed(() => tagging.retagAll())
const rssAfterRun2 = peakRss()

// ---- where the steady-state time goes ---------------------------------------------------------------------------
// A second kysely over its own better-sqlite3 connection whose statements are timed: time inside SQLite (stepping
// the activity query, running writes, preparing statements — kysely prepares every query anew) against the JS
// around it. First the activity query drained alone (SQLite vs kysely streaming), then run 3: the steady state
// one more day later through this connection. Only the public service API is used, so this follows src/ changes.

/** @param {string} file */
function instrumentedDb(file) {
  const raw = new Database(file)
  raw.pragma('synchronous = NORMAL')
  raw.pragma('foreign_keys = ON')
  raw.pragma('busy_timeout = 5000')
  /** @type {Array<{ sql: string, parameters: unknown[] }>} */
  const streams = []
  const t = { read: 0, streamRead: 0, write: 0, commit: 0, prepare: 0, statements: 0, streamStart: NaN, streamEnd: NaN, streams }
  const reset = () => Object.assign(t, { read: 0, streamRead: 0, write: 0, commit: 0, prepare: 0, statements: 0, streamStart: NaN, streamEnd: NaN, streams: [] })
  const database = {
    close: () => raw.close(),
    prepare: (/** @type {string} */ sql) => {
      const p0 = performance.now()
      const stmt = raw.prepare(sql)
      t.prepare += performance.now() - p0
      t.statements += 1
      const select = /^\s*select\b/i.test(sql)
      const commit = /^\s*commit\b/i.test(sql)
      /** @template R @param {() => R} work */
      const clocked = (work) => {
        const t0 = performance.now()
        try { return work() } finally { const ms = performance.now() - t0; if (select) t.read += ms; else t.write += ms; if (commit) t.commit += ms }
      }
      return {
        reader: stmt.reader,
        all: (/** @type {unknown[]} */ p) => clocked(() => stmt.all(p)),
        run: (/** @type {unknown[]} */ p) => clocked(() => stmt.run(p)),
        iterate: (/** @type {unknown[]} */ p) => {
          t.streams.push({ sql, parameters: p })
          const rows = stmt.iterate(p)
          if (Number.isNaN(t.streamStart)) t.streamStart = performance.now()
          const iterator = {
            next: () => {
              const t0 = performance.now()
              const r = rows.next()
              const t1 = performance.now()
              t.streamRead += t1 - t0
              if (r.done) t.streamEnd = t1
              return r
            },
            return: (/** @type {unknown} */ v) => { t.streamEnd = performance.now(); return rows.return ? rows.return(v) : { done: true, value: v } },
            [Symbol.iterator]: () => iterator,
          }
          return iterator
        },
      }
    },
  }
  return { t, reset, raw, db: /** @type {any} */ (new Kysely({ dialect: new SqliteDialect({ database: /** @type {any} */ (database) }) })) }
}
const probe = instrumentedDb(FILE)
const steadyNow = new Date(NOW + 2 * DAY)
const drained = await timed(async () => {
  let rows = 0
  for await (const _ of streamMemberActivity(probe.db, { now: steadyNow })) rows++
  return rows
})
const drainSqlite = probe.t.streamRead
const activity = probe.t.streams[0] ?? { sql: '', parameters: [] }
probe.reset()
clockNow = steadyNow
const taggingProbe = createTaggingService({ db: probe.db, clock: () => clockNow, logger: createLogger({ level: 'silent' }), rules, utcOffsetMinutes: 480 })
const t3 = performance.now()
const run3 = await timed(() => taggingProbe.retagAll())
const t3end = performance.now()
const phase3 = { ...probe.t }
await taggingProbe.stop()

// ---- incremental: one member's re-tag right after their message ---------------------------------------------

const pick = random(7)
const byRowid = sqlite.prepare('SELECT group_id, member_id FROM group_members WHERE rowid = ?')
const maxRowid = /** @type {{ n: number }} */ (sqlite.prepare('SELECT MAX(rowid) AS n FROM group_members').get()).n
/** @type {number[]} */
const latencies = []
for (let i = 0; i < INCREMENTAL; i++) {
  const m = /** @type {{ group_id: string, member_id: string } | undefined} */ (byRowid.get(1 + Math.floor(pick() * maxRowid)))
  if (!m) continue
  const sentAt = iso(NOW + 2 * DAY + i * 1000)
  clockNow = new Date(NOW + 2 * DAY + i * 1000 + 500)
  await db.insertInto('messages').values({
    id: `z${String(i).padStart(6, '0')}`, channel: 'wx', group_id: m.group_id, group_name: '', sender_id: m.member_id, sender_name: '',
    text: '', question: '', mentions_bot: 0, from_self: 0, sent_at: sentAt, received_at: sentAt, status: 'ignored',
    handled_at: null, error: null, emotion_severity: 'none', emotion_score: 0,
  }).execute()
  const t0 = performance.now()
  await tagging.retagMember(m.group_id, m.member_id)
  latencies.push(performance.now() - t0)
}
latencies.sort((a, b) => a - b)
const at = (/** @type {number} */ p) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? NaN

// ---- report ---------------------------------------------------------------------------------------------------

const ratio = (/** @type {number} */ ms) => `${(ms / base.ms).toFixed(2)}x`
const counts = /** @type {{ members: number, left: number }} */ (sqlite.prepare('SELECT COUNT(*) AS members, COUNT(left_at) AS left FROM group_members').get())
const windowRows = /** @type {{ n: number }} */ (sqlite.prepare('SELECT COUNT(*) AS n FROM messages WHERE sent_at >= ?').get(iso(NOW + DAY - 90 * DAY))).n
/** Wall time, CPU time and both as multiples of the baseline's. @param {{ ms: number, cpuMs: number }} t */
const vs = (t) => `${seconds(t.ms)} (cpu ${seconds(t.cpuMs)})  ${(t.ms / base.ms).toFixed(2)}x (cpu ${(t.cpuMs / base.cpuMs).toFixed(2)}x) baseline`
console.log(`bench/tagging  ${n(counts.members)} memberships (${n(counts.left)} left) in ${n(GROUPS)} groups, ${n(generated.people)} people (${n(generated.attributes)} with CRM attributes), ${n(generated.messages)} messages (${n(windowRows)} in the 90-day window), ${n(generated.suggestions)} suggestions; ${rules.tags.length} tag rules; node ${process.version}, SQLite ${/** @type {{ v: string }} */ (sqlite.prepare('SELECT sqlite_version() AS v').get()).v}, ${os.cpus().length} cpus`)
console.log(`  data        ${generation} ${FILE} (${mb(sizeBefore)}); generation took ${seconds(generated.generatedMs)} (rows ${seconds(generated.loadedMs)}, indexes ${seconds(generated.indexMs)}, ANALYZE ${seconds(generated.analyzeMs)}); reset of the last run's tags ${seconds(resetMs)}`)
console.log(`  baseline    hand-written aggregate, ${n(base.result)} rows iterated : ${seconds(base.ms)} (cpu ${seconds(base.cpuMs)}); warm-up run ${seconds(warm.ms)} (cpu ${seconds(warm.cpuMs)})`)
console.log(`  retagAll    run 1, first tagging                     : ${vs(run1)}  ${JSON.stringify(run1.result)}, ${n(history1)} history rows, ${n(actions1)} actions queued`)
console.log(`  retagAll    run 2, steady state one day later        : ${vs(run2)}  ${JSON.stringify(run2.result)}`)
console.log(`  breakdown   activity query drained alone (streamMemberActivity): ${vs(drained)}: in SQLite ${seconds(drainSqlite)}, kysely stream + normalise ${seconds(drained.ms - drainSqlite)} (${(((drained.ms - drainSqlite) * 1000) / Math.max(1, drained.result)).toFixed(1)} µs a row)`)
{
  const before = phase3.streamStart - t3
  const stream = phase3.streamEnd - phase3.streamStart
  const after = t3end - phase3.streamEnd
  const streamSqlite = phase3.streamRead
  console.log(`  breakdown   run 3, steady state two days later, instrumented: ${vs(run3)}  ${JSON.stringify(run3.result)}`)
  console.log(`    before the stream (manual tags, asked() counts)     : ${seconds(before)} (in SQLite ${seconds(phase3.read)})`)
  console.log(`    stream + evaluation                                 : ${seconds(stream)}: SQLite ${seconds(streamSqlite)}, JS ${seconds(stream - streamSqlite)} (kysely stream ~${seconds(drained.ms - drainSqlite)}, evaluation ~${seconds(stream - streamSqlite - (drained.ms - drainSqlite))})`)
  console.log(`    writes (applyRetags, writeTagCounts)                : ${seconds(after)}: SQLite ${seconds(phase3.write)} (of which COMMIT ${seconds(phase3.commit)}) + prepare ${seconds(phase3.prepare)} (${n(phase3.statements)} statements prepared), JS ${seconds(after - phase3.write - phase3.prepare)}`)
}
console.log(`  retagMember one member after a message, ${latencies.length} samples       : median ${at(0.5).toFixed(2)} ms, p99 ${at(0.99).toFixed(2)} ms, max ${(latencies.at(-1) ?? NaN).toFixed(2)} ms`)
console.log(`  memory      peak RSS so far: after baseline ${mb(rssAfterBaseline)}, after run 1 ${mb(rssAfterRun1)}, after run 2 ${mb(rssAfterRun2)}; database now ${mb(fileSize())}`)
console.log(`  summary     baseline aggregate ${seconds(base.ms)} | full re-tag (first) ${seconds(run1.ms)} ${ratio(run1.ms)} (cpu ${(run1.cpuMs / base.cpuMs).toFixed(2)}x) | full re-tag (steady) ${seconds(run2.ms)} ${ratio(run2.ms)} (cpu ${(run2.cpuMs / base.cpuMs).toFixed(2)}x) [goal <= 1.5x: ${run2.ms <= 1.5 * base.ms ? 'met' : 'MISSED'}] | retagMember median ${at(0.5).toFixed(2)} ms, p99 ${at(0.99).toFixed(2)} ms`)
if (PLANS) {
  probe.reset()
  const sample = /** @type {{ group_id: string, member_id: string }} */ (byRowid.get(1))
  for await (const _ of streamMemberActivity(probe.db, { now: steadyNow, groupId: sample.group_id, memberId: sample.member_id })) break
  const oneQuery = probe.t.streams[0] ?? { sql: '', parameters: [] }
  console.log(`  plan        baseline:\n${plan(sqlite, BASELINE_SQL, windows(NOW + DAY))}`)
  console.log(`  plan        activity query (retagAll):\n${plan(sqlite, activity.sql, activity.parameters)}`)
  console.log(`  plan        activity query, one member (retagMember):\n${plan(sqlite, oneQuery.sql, oneQuery.parameters)}`)
}
await tagging.stop()
await db.destroy()
await probe.db.destroy()
sqlite.close()
