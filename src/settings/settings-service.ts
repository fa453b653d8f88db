import type { Clock } from '../core/clock.js'
import { QunDeskError } from '../core/errors.js'
import { appendAudit } from '../storage/audit.repository.js'
import type { Db } from '../storage/create-db.js'
import { readSettings, writeSetting } from '../storage/setting.repository.js'

/** Settings admins change in the console (env config stays for what needs a restart). */
export interface Settings {
  /** An @-mention unanswered for longer than this is overdue (reports, queue highlighting). */
  slaMinutes: number
  /** Messages that tag actions (welcome, care) may put into one group's queue per hour; the rest wait. */
  outreachPerGroupPerHour: number
}

export const DEFAULT_SETTINGS: Settings = { slaMinutes: 15, outreachPerGroupPerHour: 3 }

export interface SettingsService {
  get(): Promise<Settings>
  update(change: Partial<Settings>, actor: string): Promise<Settings>
}

const RULES: { [K in keyof Settings]: (value: unknown) => string | undefined } = {
  slaMinutes: (v) => (Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 24 * 60 ? undefined : 'SLA 必须是 1 到 1440 之间的整数（分钟）'),
  outreachPerGroupPerHour: (v) => (Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 60 ? undefined : '每群每小时主动消息数必须是 1 到 60 之间的整数'),
}

/**
 * Stored settings with defaults; every change is validated and written to the audit log.
 *
 * @example
 * await settings.update({ slaMinutes: 10 }, '管理员')
 */
export function createSettingsService(deps: { db: Db; clock: Clock }): SettingsService {
  async function get(): Promise<Settings> {
    const stored = await readSettings(deps.db)
    const settings: Settings = { ...DEFAULT_SETTINGS }
    if (stored.slaMinutes !== undefined) settings.slaMinutes = Number(stored.slaMinutes)
    if (stored.outreachPerGroupPerHour !== undefined) settings.outreachPerGroupPerHour = Number(stored.outreachPerGroupPerHour)
    return settings
  }
  return {
    get,
    async update(change, actor) {
      const before = await get()
      for (const [key, value] of Object.entries(change) as Array<[keyof Settings, unknown]>) {
        const rule = RULES[key]
        if (!rule) throw new QunDeskError('bad_request', `未知设置 ${String(key)}`)
        const problem = rule(value)
        if (problem) throw new QunDeskError('bad_request', problem)
      }
      const now = deps.clock()
      for (const [key, value] of Object.entries(change)) {
        if (before[key as keyof Settings] === value) continue
        await writeSetting(deps.db, key, String(value), actor, now.toISOString())
        await appendAudit(deps.db, { at: now, actor, action: 'setting.changed', subjectType: 'setting', subjectId: key, detail: { from: before[key as keyof Settings], to: value } })
      }
      return get()
    },
  }
}
