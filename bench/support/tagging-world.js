// @ts-check
/**
 * The generated world bench/tagging and bench/scale re-tag: a SQLite database of memberships over ~500-member
 * groups and message rows spread over the last 120 days (skewed activity: many lurkers, a few very chatty members,
 * some fading away; ~5% have left; ~20% of the people have imported CRM attributes; every message that mentions the
 * bot has a suggestion row). Generated once per size in a child process (so its memory never counts as a bench's
 * peak RSS), cached in the OS temp folder, and put back as generated (tags cleared) before each use.
 */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import Database from 'better-sqlite3'
import { createDb } from '../../dist/storage/create-db.js'
import { loadRules } from '../../dist/tagging/load-rules.js'

/** Bump when the generated data changes: the cached database is keyed by it. */
const GENERATION = 'v2'
export const DAY = 86_400_000
/** "Now" of the generated world: 03:00 in UTC+8, when the scheduled re-tag runs. */
export const NOW = Date.parse('2026-11-30T19:00:00.000Z')
const HISTORY_DAYS = 120

/** @param {number} members @param {number} rows */
export const worldFile = (members, rows) => path.join(os.tmpdir(), `qundesk-bench-tagging-${GENERATION}-${members}-${rows}.sqlite`)
/** About 500 members a group. @param {number} members */
export const groupsFor = (members) => Math.max(1, Math.round(members / 500))

/** Deterministic PRNG (mulberry32), so every run generates the same world and picks the same members. */
export function random(/** @type {number} */ seed) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export const iso = (/** @type {number} */ ms) => new Date(ms).toISOString()
const groupId = (/** @type {number} */ g) => `g${g.toString(36).padStart(3, '0')}`
const personId = (/** @type {number} */ p) => `u${p.toString(36)}`

// ---- the rules: 20 tags over every kind of metric, lifecycle, and the shipped example's actions ----------------
export const RULES_YAML = `
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

/** The bench rules, loaded and validated as QunDesk loads a rules folder. */
export async function loadBenchRules() {
  const rulesDir = fs.mkdtempSync(path.join(os.tmpdir(), 'qundesk-bench-rules-'))
  fs.writeFileSync(path.join(rulesDir, 'bench.yaml'), RULES_YAML)
  const loaded = await loadRules(rulesDir)
  fs.rmSync(rulesDir, { recursive: true, force: true })
  if (!loaded.ok || !loaded.rules) throw new Error(`bench rules are invalid: ${JSON.stringify(loaded.problems)}`)
  return loaded.rules
}

/**
 * The world's database file, generated first if this size has none yet (in a child process). `generation` says
 * which; `info` is what generating it measured and counted.
 * @param {number} members @param {number} rows
 * @returns {{ file: string, generation: 'generated' | 'reused', info: { generatedMs: number, loadedMs: number, indexMs: number, analyzeMs: number, people: number, attributes: number, suggestions: number, messages: number } }}
 */
export function ensureWorld(members, rows) {
  const file = worldFile(members, rows)
  const ready = `${file}.ready.json`
  /** @type {'generated' | 'reused'} */
  let generation = 'reused'
  if (!fs.existsSync(ready)) {
    generation = 'generated'
    const child = spawnSync(process.execPath, [import.meta.filename, String(members), String(rows)], { stdio: 'inherit' })
    if (child.status !== 0) throw new Error('generating the database failed')
  }
  return { file, generation, info: JSON.parse(fs.readFileSync(ready, 'utf8')) }
}

/** Puts a reused database back as generated: no tags, no messages a bench added. @param {Database.Database} sqlite */
export function resetWorld(sqlite) {
  sqlite.exec(`
    DELETE FROM messages WHERE id >= 'z';
    DELETE FROM member_tags; DELETE FROM member_tag_history; DELETE FROM tag_actions; DELETE FROM tag_counts;
    UPDATE group_members SET rule_tags = NULL, lifecycle = NULL, tags_changed_at = NULL WHERE rule_tags IS NOT NULL OR lifecycle IS NOT NULL;
  `)
  sqlite.pragma('wal_checkpoint(TRUNCATE)')
}

// ---- generation ------------------------------------------------------------------------------------------------

/** @param {number} MEMBERS @param {number} ROWS */
async function generate(MEMBERS, ROWS) {
  const FILE = worldFile(MEMBERS, ROWS)
  const READY = `${FILE}.ready.json`
  const GROUPS = groupsFor(MEMBERS)
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

if (process.argv[1] === import.meta.filename) await generate(Number(process.argv[2]), Number(process.argv[3]))
