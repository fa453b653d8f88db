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
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import Database from 'better-sqlite3'
import { Kysely, SqliteDialect } from 'kysely'
import { createLogger } from '../dist/core/logger.js'
import { createDb } from '../dist/storage/create-db.js'
import { streamMemberActivity } from '../dist/storage/member-metrics.repository.js'
import { loadRules } from '../dist/tagging/load-rules.js'
import { createTaggingService } from '../dist/tagging/tagging-service.js'

const positional = process.argv.slice(2).filter((a) => !a.startsWith('--'))
const MEMBERS = Number(positional[0] ?? process.env.BENCH_TAGGING_MEMBERS ?? 1_000_000)
const ROWS = Number(positional[1] ?? process.env.BENCH_TAGGING_ROWS ?? 20_000_000)
const PLANS = process.argv.includes('--plans')
/** Bump when the generated data changes: the cached database is keyed by it. */
const GENERATION = 'v2'
const FILE = path.join(os.tmpdir(), `qundesk-bench-tagging-${GENERATION}-${MEMBERS}-${ROWS}.sqlite`)
const READY = `${FILE}.ready.json`
const DAY = 86_400_000
/** "Now" of the generated world: 03:00 in UTC+8, when the scheduled re-tag runs. */
const NOW = Date.parse('2026-11-30T19:00:00.000Z')
const HISTORY_DAYS = 120
const GROUPS = Math.max(1, Math.round(MEMBERS / 500))
const INCREMENTAL = Math.min(1000, MEMBERS)

/** Deterministic PRNG (mulberry32), so every run generates the same world and picks the same members. */
function random(/** @type {number} */ seed) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const iso = (/** @type {number} */ ms) => new Date(ms).toISOString()
const groupId = (/** @type {number} */ g) => `g${g.toString(36).padStart(3, '0')}`
const personId = (/** @type {number} */ p) => `u${p.toString(36)}`

// ---- the rules: 20 tags over every kind of metric, lifecycle, and the shipped example's actions ----------------
const RULES_YAML = `
tags:
  - id: 新成员
    when: join_age_days < 7 and not join_time_estimated
  - id: 首月成员
    when: join_age_days < 30 and not join_time_estimated
  - id: 老成员
    when: join_age_days >= 90
  - id: 活跃
    when: active_days_30d >= 4 or messages_7d >= 5
  - id: 话痨
    when: messages_30d >= 100 and active_days_30d >= 15
  - id: 沉默
    when: messages_30d == 0 and join_age_days >= 30 and in_group
  - id: 长期潜水
    when: (days_since_last_active == null or days_since_last_active >= 60) and join_age_days >= 90 and in_group
  - id: 流失预警
    when: messages_30d < messages_prev_30d * 0.3 and messages_prev_30d >= 5
  - id: 回流
    when: messages_7d >= 3 and messages_prev_30d == 0 and messages_90d - messages_30d == 0
  - id: 常找客服
    when: mentions_30d >= 3 or mentions_90d >= 8
  - id: 近期求助
    when: mentions_7d >= 1
  - id: 爱咨询物流
    when: asked('logistics.*') >= 3
  - id: 投诉风险
    when: severe_messages_30d >= 1 or negative_messages_30d >= 3 or escalations_30d >= 2
  - id: 高净值VIP
    when: monthly_spend > 5000 and return_rate < 0.05
  - id: 高退货
    when: return_rate >= 0.3 and orders >= 3
  - id: 沉睡客户
    when: last_purchase_days > 90 and rfm_f >= 3
  - id: 重要价值客户
    when: rfm_r >= 4 and rfm_f >= 4 and rfm_m >= 4
  - id: 已退群
    when: not in_group
  - id: 重点维护
    when: has_tag('高净值VIP') and (has_tag('流失预警') or has_tag('投诉风险'))
  - id: 待唤醒
    when: has_tag('沉默') and (has_tag('重要价值客户') or total_spend > 1000)

lifecycle: [新成员, 活跃, 流失预警, 沉默, 已退群]
schedule: "0 3 * * *"

actions:
  - on: tag_added
    tag: 新成员
    suggest: "{{name}}，欢迎加入！有问题随时@我。"
  - on: tag_added
    tag: 流失预警
    notify_agents: true
  - on: tag_added
    tag: 重点维护
    notify_agents: true
    cooldown_days: 14
`

// ---- generation (in a child process, so its memory does not count as the bench's peak RSS) --------------------

async function generate() {
  for (const f of [READY, FILE, `${FILE}-wal`, `${FILE}-shm`, `${FILE}-journal`]) fs.rmSync(f, { force: true })
  const started = performance.now()
  const migrated = await createDb({ file: FILE })
  await migrated.destroy()

  const sqlite = new Database(FILE)
  // A throwaway file: rollback journal in memory (better-sqlite3's defensive mode refuses OFF; WAL would write
  // everything twice), no fsync, a big cache; back to WAL (as createDb opens it) at the end.
  sqlite.pragma('journal_mode = DELETE')
  sqlite.pragma('journal_mode = MEMORY')
  sqlite.pragma('synchronous = OFF')
  sqlite.pragma('cache_size = -1000000')
  sqlite.pragma('temp_store = MEMORY')
  sqlite.pragma('threads = 2')
  // Drop the secondary indexes for the bulk load and recreate them afterwards with the migrations' own SQL.
  /** @type {Array<{ name: string, sql: string }>} */
  const indexes = /** @type {any} */ (sqlite.prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('messages', 'suggestions') AND sql IS NOT NULL`).all())
  for (const index of indexes) sqlite.exec(`DROP INDEX "${index.name}"`)

  const rnd = random(20261130)
  const N = MEMBERS
  const group = new Int32Array(N)
  const person = new Int32Array(N)
  const joined = new Float64Array(N)
  const left = new Float64Array(N).fill(Infinity)
  const fade = new Float64Array(N).fill(Infinity)
  const weight = new Float64Array(N)
  const mentionRate = new Float32Array(N)
  const start = NOW - HISTORY_DAYS * DAY

  // Memberships: ~10% of the people are in two or more groups.
  let people = 0
  const taken = new Set()
  for (let i = 0; i < N; i++) {
    const g = Math.floor(rnd() * GROUPS)
    let p = people
    if (people > 100 && rnd() < 0.1) {
      const other = Math.floor(rnd() * people)
      if (!taken.has(g * 4294967296 + other)) p = other
    }
    if (p === people) people++
    taken.add(g * 4294967296 + p)
    group[i] = g
    person[i] = p
  }
  taken.clear()

  const estimated = new Uint8Array(N)
  for (let i = 0; i < N; i++) {
    // 70%: already there when QunDesk started (estimated join 120–400 days ago); 30%: joined in the window.
    estimated[i] = rnd() < 0.7 ? 1 : 0
    joined[i] = estimated[i] ? start - rnd() * 280 * DAY : NOW - rnd() * HISTORY_DAYS * DAY
    if (rnd() < 0.05) left[i] = Math.max(joined[i] ?? 0, start) + rnd() * (NOW - Math.max(joined[i] ?? 0, start))
    // Activity: 35% never speak; the others Pareto-distributed (a few very chatty); 12% fade out 25–60 days ago.
    weight[i] = rnd() < 0.35 ? 0 : Math.min(2000, Math.pow(1 - rnd(), -1 / 1.2))
    if (rnd() < 0.12) fade[i] = NOW - (25 + rnd() * 35) * DAY
    mentionRate[i] = rnd() < 0.2 ? 0.12 : 0.015
  }
  // Stored as production writes them: the first member sync group by group, then joins as they happen.
  const order = Array.from({ length: N }, (_, i) => i).sort((a, b) =>
    (estimated[b] ?? 0) - (estimated[a] ?? 0) || (estimated[a] ? (group[a] ?? 0) - (group[b] ?? 0) : (joined[a] ?? 0) - (joined[b] ?? 0)))
  const insertMember = sqlite.prepare(`INSERT INTO group_members (group_id, member_id, channel, group_name, member_name, joined_at, joined_at_estimated, join_source, invited_by, left_at, left_at_estimated, updated_at) VALUES (?, ?, 'wx', ?, ?, ?, ?, ?, NULL, ?, 0, ?)`)
  sqlite.transaction(() => {
    for (const i of order) {
      const g = group[i] ?? 0
      const leftAt = left[i] ?? Infinity
      insertMember.run(groupId(g), personId(person[i] ?? 0), `群${g}`, `客户${person[i]}`, iso(joined[i] ?? 0), estimated[i], estimated[i] ? 'sync' : 'event', leftAt === Infinity ? null : iso(leftAt), iso(NOW - DAY))
    }
  })()

  const insertAttributes = sqlite.prepare(`INSERT INTO member_attributes (member_id, external_id, monthly_spend, total_spend, orders, returns, last_purchase_at, rfm_r, rfm_f, rfm_m, imported_at, import_source) VALUES (?, NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'crm.csv')`)
  let attributes = 0
  sqlite.transaction(() => {
    for (let p = 0; p < people; p++) {
      if (rnd() >= 0.2) continue
      const orders = Math.floor(Math.pow(rnd(), 2) * 60)
      const returns = orders === 0 ? 0 : Math.floor(orders * Math.pow(rnd(), 3) * 0.8)
      const total = orders * (50 + rnd() * 800)
      const monthly = rnd() < 0.5 ? 0 : Math.round(Math.pow(rnd(), 3) * 20000)
      const lastPurchase = orders === 0 ? null : iso(NOW - rnd() * 365 * DAY)
      const score = () => 1 + Math.floor(rnd() * 5)
      insertAttributes.run(personId(p), monthly, Math.round(total), orders, returns, lastPurchase, score(), score(), score(), iso(NOW - 2 * DAY))
      attributes++
    }
  })()

  // Messages in time order, day by day: each day's rows go to members active that day, in proportion to weight.
  const insertMessage = sqlite.prepare(`INSERT INTO messages (id, channel, group_id, group_name, sender_id, sender_name, text, question, mentions_bot, from_self, sent_at, received_at, status, handled_at, error, emotion_severity, emotion_score) VALUES (?, 'wx', ?, '', ?, '', '', '', ?, ?, ?, ?, ?, NULL, NULL, ?, ?)`)
  const insertSuggestion = sqlite.prepare(`INSERT INTO suggestions (message_id, group_id, group_name, member_id, member_name, question, kind, intent_id, score, text, status, created_at, asked_at, emotion_severity, escalation_reason) VALUES (?, ?, '', ?, '', '', ?, ?, 0.8, NULL, 'sent', ?, ?, ?, ?)`)
  const INTENTS = ['logistics.track', 'logistics.delay', 'returns.policy', 'billing.invoice', 'account.login']
  const cumulative = new Float64Array(N)
  let messageNo = 0
  let suggestions = 0
  const perTransaction = 200_000
  let pending = 0
  sqlite.exec('BEGIN')
  for (let d = 0; d < HISTORY_DAYS; d++) {
    const dayStart = start + d * DAY
    const dayEnd = dayStart + DAY
    let total = 0
    for (let i = 0; i < N; i++) {
      let w = weight[i] ?? 0
      if ((joined[i] ?? 0) > dayStart || (left[i] ?? Infinity) < dayEnd) w = 0
      else if ((fade[i] ?? Infinity) < dayStart) w *= 0.1
      total += w
      cumulative[i] = total
    }
    const count = Math.floor(((d + 1) * ROWS) / HISTORY_DAYS) - Math.floor((d * ROWS) / HISTORY_DAYS)
    for (let k = 0; k < count; k++) {
      const sentAt = iso(dayStart + ((k + rnd()) * DAY) / count)
      const id = `w${(messageNo++).toString(36).padStart(6, '0')}`
      const g0 = Math.floor(rnd() * GROUPS)
      if (rnd() < 0.02 || total === 0) { // the bot's own messages (from_self), which the metrics skip
        insertMessage.run(id, groupId(g0), 'bot', 0, 1, sentAt, sentAt, 'ignored', null, null)
      } else {
        const target = rnd() * total
        let lo = 0
        let hi = N - 1
        while (lo < hi) {
          const mid = (lo + hi) >>> 1
          if ((cumulative[mid] ?? 0) > target) hi = mid
          else lo = mid + 1
        }
        const e = rnd()
        const severity = e < 0.94 ? 'none' : e < 0.98 ? 'mild' : e < 0.995 ? 'moderate' : 'severe'
        const mention = rnd() < (mentionRate[lo] ?? 0) ? 1 : 0
        const g = groupId(group[lo] ?? 0)
        const sender = personId(person[lo] ?? 0)
        insertMessage.run(id, g, sender, mention, 0, sentAt, sentAt, mention ? 'handled' : 'ignored', severity, severity === 'none' ? 0 : 0.3 + e * 0.7)
        if (mention) {
          const human = rnd() < 0.2
          insertSuggestion.run(id, g, sender, human ? 'needs_human' : 'answer', INTENTS[Math.floor(rnd() * INTENTS.length)], sentAt, sentAt, severity, human && rnd() < 0.5 ? 'intent' : null)
          suggestions++
        }
      }
      if (++pending >= perTransaction) {
        sqlite.exec('COMMIT; BEGIN')
        pending = 0
      }
    }
  }
  sqlite.exec('COMMIT')
  const loadedMs = performance.now() - started
  const indexStarted = performance.now()
  for (const index of indexes) sqlite.exec(index.sql)
  const indexMs = performance.now() - indexStarted
  const analyzeStarted = performance.now()
  sqlite.exec('ANALYZE')
  const analyzeMs = performance.now() - analyzeStarted
  sqlite.pragma('journal_mode = WAL')
  sqlite.close()
  const info = { generatedMs: performance.now() - started, loadedMs, indexMs, analyzeMs, people, attributes, suggestions, messages: messageNo }
  fs.writeFileSync(READY, JSON.stringify(info))
}

if (process.env.BENCH_TAGGING_GENERATE === '1') {
  await generate()
  process.exit(0)
}

// ---- helpers --------------------------------------------------------------------------------------------------

const seconds = (/** @type {number} */ ms) => (ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`)
const mb = (/** @type {number} */ bytes) => `${(bytes / 1024 / 1024).toFixed(0)} MB`
const n = (/** @type {number} */ v) => v.toLocaleString('en')
const fileSize = () => [FILE, `${FILE}-wal`].reduce((sum, f) => sum + (fs.existsSync(f) ? fs.statSync(f).size : 0), 0)
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

let generation = 'reused'
if (!fs.existsSync(READY)) {
  generation = 'generated'
  const child = spawnSync(process.execPath, [import.meta.filename, String(MEMBERS), String(ROWS)], { stdio: 'inherit', env: { ...process.env, BENCH_TAGGING_GENERATE: '1' } })
  if (child.status !== 0) throw new Error('generating the database failed')
}
/** @type {{ generatedMs: number, loadedMs: number, indexMs: number, analyzeMs: number, people: number, attributes: number, suggestions: number, messages: number }} */
const generated = JSON.parse(fs.readFileSync(READY, 'utf8'))

const sqlite = new Database(FILE)
sqlite.pragma('busy_timeout = 5000')
// A reused database carries the last run's tags and incremental messages: put it back as generated.
const resetStarted = performance.now()
sqlite.exec(`
  DELETE FROM messages WHERE id >= 'z';
  DELETE FROM member_tags; DELETE FROM member_tag_history; DELETE FROM tag_actions; DELETE FROM tag_counts;
  UPDATE group_members SET rule_tags = NULL, lifecycle = NULL, tags_changed_at = NULL WHERE rule_tags IS NOT NULL OR lifecycle IS NOT NULL;
`)
sqlite.pragma('wal_checkpoint(TRUNCATE)')
const resetMs = performance.now() - resetStarted
const sizeBefore = fileSize()

const rulesDir = fs.mkdtempSync(path.join(os.tmpdir(), 'qundesk-bench-rules-'))
fs.writeFileSync(path.join(rulesDir, 'bench.yaml'), RULES_YAML)
const loaded = await loadRules(rulesDir)
fs.rmSync(rulesDir, { recursive: true, force: true })
if (!loaded.ok || !loaded.rules) throw new Error(`bench rules are invalid: ${JSON.stringify(loaded.problems)}`)
const rules = loaded.rules

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
