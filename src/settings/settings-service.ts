import type { Clock } from '../core/clock.js'
import { QunDeskError } from '../core/errors.js'
import type { EscalationReason } from '../core/vocabulary.js'
import type { ServedGroups } from './served-groups.js'
import { appendAudit } from '../storage/audit.repository.js'
import type { Db } from '../storage/create-db.js'
import { notifyInstances } from '../storage/fleet.repository.js'
import { readSettings, writeSetting } from '../storage/setting.repository.js'

/** Settings admins change in the console (env config stays for what needs a restart). */
export interface Settings {
  /** An @-mention unanswered for longer than this is overdue (reports, queue highlighting). */
  slaMinutes: number
  /** Messages that tag actions (welcome, care) may put into one group's queue per hour; the rest wait. */
  outreachPerGroupPerHour: number
  /** An item for a person waiting longer than this is told to the agents' WeCom group (when a group robot is set). */
  waitAlertMinutes: number
  /** Said to a customer in the group when their question goes to a human; '' sends nothing. */
  handoffAck: string
  /** Another text for one escalation reason ('' sends nothing for that reason). */
  handoffAckByReason: Partial<Record<EscalationReason, string>>
  /** Another text for one group, by group id ('' sends nothing in that group); a reason's own text still wins. */
  handoffAckByGroup: Record<string, string>
  /** Groups the bot answers in, by instance id or `*` (see served-groups.ts); {} means every group. */
  servedGroups: ServedGroups
  /** Groups (ids or names) opted in to the optional AI drafter (QUNDESK_LLM_URL); [] = none, the default. */
  aiDraftGroups: string[]
}

export const DEFAULT_SETTINGS: Settings = {
  slaMinutes: 15, outreachPerGroupPerHour: 3, waitAlertMinutes: 10, handoffAck: '已为您转接人工客服，请稍候～', handoffAckByReason: {}, handoffAckByGroup: {}, servedGroups: {}, aiDraftGroups: [],
}

const ESCALATION_REASONS: readonly EscalationReason[] = ['keyword', 'emotion', 'intent', 'misses', 'sla']
/** A customer-facing line, not a letter: one line, short. */
const MAX_ACK_LENGTH = 200

function ackProblem(v: unknown, label: string): string | undefined {
  if (typeof v !== 'string') return `${label}必须是文字`
  if ([...v].length > MAX_ACK_LENGTH) return `${label}不能超过 ${MAX_ACK_LENGTH} 个字`
  if (/[\r\n\u2028\u2029]/.test(v)) return `${label}只能写一行`
  return undefined
}

function ackMapProblem(v: unknown, label: string, validKey: (key: string) => boolean, keyHint: string): string | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return `${label}必须是对象`
  if (Object.keys(v).length > 1000) return `${label}最多 1000 项`
  for (const [key, text] of Object.entries(v)) {
    if (!validKey(key)) return `${label}里的「${key}」不是${keyHint}`
    const problem = ackProblem(text, `${label}「${key}」`)
    if (problem) return problem
  }
  return undefined
}

export interface SettingsService {
  /** The settings as last read (cached: every message asks); callers must not change the object. */
  get(): Promise<Settings>
  update(change: Partial<Settings>, actor: string): Promise<Settings>
  /** Forgets the cached settings: the next get() reads them again (another instance changed them). */
  invalidate(): void
}

/** The NOTIFY channel (PostgreSQL) telling the other instances that settings changed; the payload is the writer's instance id. */
export const SETTINGS_CHANNEL = 'qundesk_settings'

/**
 * PostgreSQL only: how long cached settings are trusted without a notification. A backstop: a NOTIFY is lost only
 * while the listening connection is down, and the cache is dropped when it comes back.
 */
export const SETTINGS_MAX_AGE_MS = 60_000

const RULES: { [K in keyof Settings]: (value: unknown) => string | undefined } = {
  slaMinutes: (v) => (Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 24 * 60 ? undefined : 'SLA 必须是 1 到 1440 之间的整数（分钟）'),
  outreachPerGroupPerHour: (v) => (Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 60 ? undefined : '每群每小时主动消息数必须是 1 到 60 之间的整数'),
  waitAlertMinutes: (v) => (Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 24 * 60 ? undefined : '等待提醒必须是 1 到 1440 之间的整数（分钟）'),
  handoffAck: (v) => ackProblem(v, '转人工提示'),
  handoffAckByReason: (v) => ackMapProblem(v, '按原因的转人工提示', (key) => (ESCALATION_REASONS as readonly string[]).includes(key), `转人工原因（${ESCALATION_REASONS.join('、')}）`),
  handoffAckByGroup: (v) => ackMapProblem(v, '按群的转人工提示', (key) => key.trim() !== '' && key.length <= 200, '群 ID'),
  servedGroups: servedGroupsProblem,
  aiDraftGroups: (v) => (Array.isArray(v) && v.length <= 5000 && v.every((e) => typeof e === 'string' && e.trim() !== '' && e.length <= 200)
    ? undefined : 'AI 草稿的群必须是群 ID 或群名的列表（最多 5000 个，不能有空的或超过 200 字的）'),
}

function servedGroupsProblem(v: unknown): string | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return '服务的群必须是对象：{ "实例 ID 或 *": ["群 ID 或群名", ...] }'
  for (const [instance, list] of Object.entries(v)) {
    if (instance.trim() === '' || instance.length > 64) return `服务的群里的实例「${instance}」不是实例 ID 或 *`
    if (!Array.isArray(list) || list.length > 5000) return `实例「${instance}」的服务的群必须是群 ID 或群名的列表（最多 5000 个）`
    for (const entry of list) {
      if (typeof entry !== 'string' || entry.trim() === '' || entry.length > 200) return `实例「${instance}」的服务的群里有空的或过长的群 ID/群名`
    }
  }
  return undefined
}

/** Settings are stored as text: numbers and strings as they are, maps as JSON. */
const encode = (value: unknown): string => (typeof value === 'object' ? JSON.stringify(value) : String(value))

function decodeServedGroups(text: string): ServedGroups {
  try {
    const value = JSON.parse(text) as unknown
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return {}
    return Object.fromEntries(Object.entries(value).filter(([, list]) => Array.isArray(list)).map(([k, list]) => [k, (list as unknown[]).filter((e): e is string => typeof e === 'string')]))
  } catch {
    return {}
  }
}

function decodeList(text: string): string[] {
  try {
    const value = JSON.parse(text) as unknown
    return Array.isArray(value) ? value.filter((e): e is string => typeof e === 'string') : []
  } catch {
    return []
  }
}

function decodeMap(text: string): Record<string, string> {
  try {
    const value = JSON.parse(text) as unknown
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? Object.fromEntries(Object.entries(value).filter(([, v]) => typeof v === 'string')) as Record<string, string> : {}
  } catch {
    return {}
  }
}

/**
 * Stored settings with defaults; every change is validated and written to the audit log. Read once and cached
 * (every inbound message asks for them): a change made here drops the cache at once; on PostgreSQL, a change made by
 * another instance arrives as a NOTIFY on SETTINGS_CHANNEL (app/fleet.ts calls invalidate), and `maxAgeMs` bounds
 * how long a lost one could go unseen. SQLite is one process's database: no one else writes.
 *
 * @example
 * await settings.update({ slaMinutes: 10 }, '管理员')
 */
export function createSettingsService(deps: { db: Db; clock: Clock; instanceId?: string; maxAgeMs?: number }): SettingsService {
  let cached: { settings: Promise<Settings>; at: number } | undefined
  // Bumped by every invalidation: a read that started before one is not cached (it may hold the old values).
  let generation = 0
  const invalidate = () => { generation += 1; cached = undefined }

  function get(): Promise<Settings> {
    const now = Date.now()
    if (cached && (deps.maxAgeMs === undefined || now - cached.at < deps.maxAgeMs)) return cached.settings
    const started = generation
    const settings = read()
    cached = { settings, at: now }
    // A failed read is not kept: the next caller tries again.
    settings.then(
      () => { if (generation !== started && cached?.settings === settings) cached = undefined },
      () => { if (cached?.settings === settings) cached = undefined },
    )
    return settings
  }

  async function read(): Promise<Settings> {
    const stored = await readSettings(deps.db)
    const settings: Settings = { ...DEFAULT_SETTINGS }
    if (stored.slaMinutes !== undefined) settings.slaMinutes = Number(stored.slaMinutes)
    if (stored.outreachPerGroupPerHour !== undefined) settings.outreachPerGroupPerHour = Number(stored.outreachPerGroupPerHour)
    if (stored.waitAlertMinutes !== undefined) settings.waitAlertMinutes = Number(stored.waitAlertMinutes)
    if (stored.handoffAck !== undefined) settings.handoffAck = stored.handoffAck
    if (stored.handoffAckByReason !== undefined) settings.handoffAckByReason = decodeMap(stored.handoffAckByReason)
    if (stored.handoffAckByGroup !== undefined) settings.handoffAckByGroup = decodeMap(stored.handoffAckByGroup)
    if (stored.servedGroups !== undefined) settings.servedGroups = decodeServedGroups(stored.servedGroups)
    if (stored.aiDraftGroups !== undefined) settings.aiDraftGroups = decodeList(stored.aiDraftGroups)
    return settings
  }
  return {
    get,
    invalidate,
    async update(change, actor) {
      const before = await read()
      for (const [key, value] of Object.entries(change) as Array<[keyof Settings, unknown]>) {
        const rule = RULES[key]
        if (!rule) throw new QunDeskError('bad_request', `未知设置 ${String(key)}`)
        const problem = rule(value)
        if (problem) throw new QunDeskError('bad_request', problem)
      }
      const now = deps.clock()
      let changed = false
      for (const [key, value] of Object.entries(change)) {
        if (encode(before[key as keyof Settings]) === encode(value)) continue
        await writeSetting(deps.db, key, encode(value), actor, now.toISOString())
        await appendAudit(deps.db, { at: now, actor, action: 'setting.changed', subjectType: 'setting', subjectId: key, detail: { from: before[key as keyof Settings], to: value } })
        changed = true
      }
      if (!changed) return get()
      invalidate()
      await notifyInstances(deps.db, SETTINGS_CHANNEL, deps.instanceId ?? '')
      return get()
    },
  }
}
