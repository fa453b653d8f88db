import { AUDIT_ACTIONS, AUDIT_DETAIL_FIELDS, AUDIT_SUBJECTS, type AuditItem } from '../core/audit-item.js'

/** A value longer than this is cut (an edited reply's text can be long; the row must stay readable). */
const MAX_VALUE = 160

/** The console's name for an action; an unknown one (from a newer version, say) shows as stored. */
export function auditActionLabel(action: string): string {
  return Object.hasOwn(AUDIT_ACTIONS, action) ? AUDIT_ACTIONS[action as keyof typeof AUDIT_ACTIONS] : action
}

/** "待办 #12", "成员 wxid_abc". */
export function auditSubjectLabel(subjectType: string, subjectId: string): string {
  const type = Object.hasOwn(AUDIT_SUBJECTS, subjectType) ? AUDIT_SUBJECTS[subjectType]! : subjectType
  return /^\d+$/.test(subjectId) ? `${type} #${subjectId}` : `${type} ${subjectId}`
}

function field(key: string): string {
  return Object.hasOwn(AUDIT_DETAIL_FIELDS, key) ? AUDIT_DETAIL_FIELDS[key]! : key
}

function cut(text: string): string {
  const chars = [...text]
  return chars.length > MAX_VALUE ? `${chars.slice(0, MAX_VALUE).join('')}…` : text
}

function valueText(value: unknown, depth: number): string {
  if (value === null || value === undefined || value === '') return '—'
  if (typeof value === 'boolean') return value ? '是' : '否'
  if (typeof value === 'number') return String(value)
  if (typeof value === 'string') return cut(value)
  if (Array.isArray(value)) return value.length === 0 ? '—' : cut(value.map((v) => valueText(v, depth + 1)).join('、'))
  if (typeof value === 'object') {
    if (depth >= 2) return '…'
    const parts = Object.entries(value as Record<string, unknown>).map(([k, v]) => `${field(k)} ${valueText(v, depth + 1)}`)
    return parts.length === 0 ? '—' : cut(parts.join('，'))
  }
  return cut(String(value))
}

/**
 * An audit entry in the console's words (the page shows these, never raw JSON).
 *
 * @example
 * describeAuditEntry(item) // { ...item, actionLabel: '删除个人数据', subjectLabel: '成员 wxid_abc', detailLines: [['消息', '3']] }
 */
export function describeAuditEntry(item: AuditItem): AuditItem & { actorLabel: string; actionLabel: string; subjectLabel: string; detailLines: Array<[label: string, text: string]> } {
  return {
    ...item,
    actorLabel: Object.hasOwn(ACTORS, item.actor) ? ACTORS[item.actor]! : item.actor,
    actionLabel: auditActionLabel(item.action),
    subjectLabel: auditSubjectLabel(item.subjectType, item.subjectId),
    detailLines: auditDetailLines(item.detail),
  }
}

/** The actors that are not people: the bot's own sends and the scheduled jobs. */
const ACTORS: Record<string, string> = { bot: '机器人', system: '系统' }
/** Values that are codes in the log but words on the page. */
const VALUES: Record<string, Record<string, string>> = { role: { admin: '管理员', agent: '坐席' } }

/**
 * An entry's detail as labelled lines ("群：g1@chatroom", "原值：…") instead of raw JSON: known fields in Chinese,
 * nested objects inline, long text cut. Pure.
 *
 * @example
 * auditDetailLines({ groupId: 'g1', tag: '老客户' }) // [['群', 'g1'], ['标签', '老客户']]
 */
export function auditDetailLines(detail: unknown): Array<[label: string, text: string]> {
  if (detail === null || typeof detail !== 'object' || Array.isArray(detail)) {
    return detail === null || detail === undefined ? [] : [['详情', valueText(detail, 0)]]
  }
  return Object.entries(detail as Record<string, unknown>).map(([k, v]) => {
    const word = typeof v === 'string' && Object.hasOwn(VALUES, k) && Object.hasOwn(VALUES[k]!, v) ? VALUES[k]![v] : undefined
    return [field(k), word ?? valueText(v, 1)]
  })
}
