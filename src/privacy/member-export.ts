import type { MemberData } from '../storage/member-data.repository.js'

type Json = null | boolean | number | string | Json[] | { [key: string]: Json }
type Record_ = Record<string, Json>

/** The export's version: a consumer (or a later QunDesk) can tell formats apart. */
export const MEMBER_EXPORT_FORMAT = 'qundesk.member-export.v1'

/**
 * Everything held about one person (PIPL access right), JSON-ready. Field names are the stored columns in
 * camelCase; JSON columns (slots, seen, rule tags, audit detail) are parsed; nothing is left out but the audit
 * chain's hashes.
 */
export interface MemberExport {
  format: typeof MEMBER_EXPORT_FORMAT
  exportedAt: string
  memberId: string
  /** Every display name seen for them (memberships and messages). */
  names: string[]
  memberships: Record_[]
  messages: Record_[]
  /** Questions they asked and the replies drafted or sent, plus welcome/care messages addressed to them. */
  suggestions: Record_[]
  /** Current tags, rule and manual (`source`). */
  tags: Record_[]
  tagHistory: Record_[]
  /** Imported CRM attributes, or null when none were imported. */
  attributes: Record_ | null
  /** Follow-up questions ("请提供订单号") and the message that answered them (`answerText`). */
  slotRequests: Record_[]
  tagActions: Record_[]
  /** The bot's sends that @-mentioned them. */
  outbox: Record_[]
  audit: Record_[]
  /** Pictures, voice notes and files they sent: `content` is the file in base64 (null once retention took it). */
  media: Record_[]
}

const JSON_COLUMNS = new Set(['slots', 'seen', 'rule_tags', 'detail'])
const OMITTED = new Set(['prev_hash', 'hash'])

const camel = (key: string) => key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())

function parseJson(text: string): Json {
  try {
    return JSON.parse(text) as Json
  } catch {
    return text // stored before validation existed: shown as written
  }
}

function toRecord(row: object): Record_ {
  const out: Record_ = {}
  for (const [key, value] of Object.entries(row)) {
    if (OMITTED.has(key)) continue
    out[camel(key)] = JSON_COLUMNS.has(key) && typeof value === 'string' ? parseJson(value) : (value as Json)
  }
  return out
}

/**
 * Shapes stored rows as the export document.
 *
 * @example
 * toMemberExport('wxid_abc', await readMemberData(db, 'wxid_abc'), new Date()).messages[0]   // { id: 'wechaty:…', text: '…', sentAt: '…', … }
 */
export function toMemberExport(memberId: string, data: MemberData, now: Date): MemberExport {
  const names = new Set<string>()
  for (const m of data.memberships) names.add(m.member_name)
  for (const m of data.messages) if (m.sender_name) names.add(m.sender_name)
  return {
    format: MEMBER_EXPORT_FORMAT,
    exportedAt: now.toISOString(),
    memberId,
    names: [...names],
    memberships: data.memberships.map(toRecord),
    messages: data.messages.map(toRecord),
    suggestions: data.suggestions.map(toRecord),
    tags: data.tags.map(toRecord),
    tagHistory: data.tagHistory.map(toRecord),
    attributes: data.attributes ? toRecord(data.attributes) : null,
    slotRequests: data.slotRequests.map(toRecord),
    tagActions: data.tagActions.map(toRecord),
    outbox: data.outbox.map(toRecord),
    audit: data.audit.map(toRecord),
    media: data.media.map(toRecord),
  }
}
