import { createHash } from 'node:crypto'
import { parseWecomXml, type XmlNode, type XmlValue } from './parse-wecom-xml.js'

export const CHANGE_TYPES = ['create', 'update', 'dismiss'] as const
export const UPDATE_DETAILS = ['add_member', 'del_member', 'change_owner', 'change_name', 'change_notice'] as const
export type ChangeType = (typeof CHANGE_TYPES)[number]
export type UpdateDetail = (typeof UPDATE_DETAILS)[number]

/** 客户群变更事件: a customer group was created, changed or dismissed. Re-fetch the group for the full picture. */
export interface ChangeExternalChatEvent {
  type: 'change_external_chat'
  changeType: ChangeType
  /** Only for `update`; undefined when WeCom sends a detail this version does not know. */
  updateDetail?: UpdateDetail
  chatId: string
  /** add_member: 0 invited by a member, 3 joined by QR code. */
  joinScene?: number
  /** del_member: 0 left by themselves, 1 removed. */
  quitScene?: number
  memChangeCnt?: number
  /** User ids of the members who joined or left (may be empty or partial: re-fetch the group). */
  memChangeList: string[]
  lastMemVer?: string
  curMemVer?: string
  /** Unix seconds. */
  createTime: number
  /** "sys" for 客户联系 events. */
  fromUserName: string
}

/** Any other event or message: stored, not interpreted. */
export interface OtherAppCallback {
  type: 'other'
  msgType: string
  event?: string
  msgId?: string
  createTime: number
  fromUserName: string
}

export type AppCallbackEvent = ChangeExternalChatEvent | OtherAppCallback

export type AppCallbackResult = { ok: true; event: AppCallbackEvent; dedupeKey: string } | { ok: false; error: string }

const MAX_ID = 256

class FieldError extends Error {}

/**
 * A decrypted app callback (XML) -> its typed event and dedupe key. Pure; never throws.
 *
 * @example
 * const parsed = parseAppCallback(plaintext)
 * if (parsed.ok && parsed.event.type === 'change_external_chat') refetch(parsed.event.chatId)
 */
export function parseAppCallback(plaintext: string): AppCallbackResult {
  const xml = parseWecomXml(plaintext)
  if (!xml.ok) return { ok: false, error: `the decrypted XML is invalid: ${xml.error}` }
  const typed = toAppCallbackEvent(xml.value)
  if (!typed.ok) return typed
  return { ok: true, event: typed.event, dedupeKey: dedupeKeyOf(xml.value) }
}

/** The fields of a decrypted app callback -> its typed event, checking types and lengths. */
export function toAppCallbackEvent(fields: XmlNode): { ok: true; event: AppCallbackEvent } | { ok: false; error: string } {
  try {
    const msgType = requiredText(fields, 'MsgType')
    const fromUserName = requiredText(fields, 'FromUserName')
    const createTime = requiredInteger(fields, 'CreateTime')
    const event = msgType === 'event' ? requiredText(fields, 'Event') : undefined
    const changeType = optionalText(fields, 'ChangeType')
    if (event === 'change_external_chat' && isOneOf(CHANGE_TYPES, changeType)) {
      const updateDetail = optionalText(fields, 'UpdateDetail')
      return {
        ok: true,
        event: omitUndefined({
          type: 'change_external_chat' as const,
          changeType,
          updateDetail: changeType === 'update' && isOneOf(UPDATE_DETAILS, updateDetail) ? updateDetail : undefined,
          chatId: requiredText(fields, 'ChatId'),
          joinScene: optionalInteger(fields, 'JoinScene'),
          quitScene: optionalInteger(fields, 'QuitScene'),
          memChangeCnt: optionalInteger(fields, 'MemChangeCnt'),
          memChangeList: itemList(fields, 'MemChangeList'),
          lastMemVer: optionalText(fields, 'LastMemVer'),
          curMemVer: optionalText(fields, 'CurMemVer'),
          createTime,
          fromUserName,
        }),
      }
    }
    // An unknown ChangeType (a newer WeCom) is kept as 'other' rather than refused: refusing makes WeCom retry for nothing.
    return { ok: true, event: omitUndefined({ type: 'other' as const, msgType, event, msgId: optionalText(fields, 'MsgId'), createTime, fromUserName }) }
  } catch (error) {
    if (error instanceof FieldError) return { ok: false, error: error.message }
    return { ok: false, error: 'the callback fields could not be read' }
  }
}

/**
 * The dedupe key WeCom's retries collide on. Messages: `msg:<MsgId>`. Events (no MsgId):
 * `event:<FromUserName>:<CreateTime>:<Event>:<ChangeType>:<ChatId>:<digest>`. WeCom advises FromUserName+CreateTime,
 * but 客户联系 events all come from "sys" and several can share a second, even for the same group (two members
 * joining at once): the digest (sha256 of the parsed fields, key order and whitespace between elements ignored)
 * tells them apart, while a retry, which carries the same event, gets the same key.
 */
export function dedupeKeyOf(fields: XmlNode): string {
  const part = (name: string) => (typeof fields[name] === 'string' ? (fields[name] as string).trim() : '')
  const msgId = part('MsgId')
  if (msgId) return `msg:${msgId}`
  const digest = createHash('sha256').update(canonical(fields)).digest('hex').slice(0, 16)
  return `event:${part('FromUserName')}:${part('CreateTime')}:${part('Event')}:${part('ChangeType')}:${part('ChatId')}:${digest}`
}

function canonical(value: XmlValue): string {
  if (typeof value === 'string') return JSON.stringify(value)
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`
  return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical(value[k]!)}`).join(',')}}`
}

function optionalText(fields: XmlNode, name: string): string | undefined {
  const value = fields[name]
  if (value === undefined) return undefined
  if (typeof value !== 'string') throw new FieldError(`${name} must appear once, as text`)
  const text = value.trim()
  if (text.length > MAX_ID) throw new FieldError(`${name} is longer than ${MAX_ID} characters`)
  return text === '' ? undefined : text
}

function requiredText(fields: XmlNode, name: string): string {
  const text = optionalText(fields, name)
  if (text === undefined) throw new FieldError(`${name} is missing`)
  return text
}

function optionalInteger(fields: XmlNode, name: string): number | undefined {
  const text = optionalText(fields, name)
  if (text === undefined) return undefined
  if (!/^\d{1,12}$/.test(text)) throw new FieldError(`${name} must be a whole number`)
  return Number(text)
}

function requiredInteger(fields: XmlNode, name: string): number {
  const value = optionalInteger(fields, name)
  if (value === undefined) throw new FieldError(`${name} is missing`)
  return value
}

/** `<List><Item>a</Item><Item>b</Item></List>` -> ['a', 'b']; an absent or empty list -> []. */
function itemList(fields: XmlNode, name: string): string[] {
  const list = fields[name]
  if (list === undefined) return []
  if (typeof list === 'string') {
    if (list.trim() !== '') throw new FieldError(`${name} must hold <Item> elements`)
    return []
  }
  if (Array.isArray(list)) throw new FieldError(`${name} must appear once`)
  const names = Object.keys(list)
  if (names.some((n) => n !== 'Item')) throw new FieldError(`${name} may only hold <Item> elements`)
  const items = list.Item === undefined ? [] : Array.isArray(list.Item) ? list.Item : [list.Item]
  return items.map((item) => {
    if (typeof item !== 'string') throw new FieldError(`${name}/Item must be text`)
    const text = item.trim()
    if (text === '' || text.length > MAX_ID) throw new FieldError(`${name}/Item must be an id of 1 to ${MAX_ID} characters`)
    return text
  })
}

function isOneOf<T extends string>(values: readonly T[], value: string | undefined): value is T {
  return value !== undefined && (values as readonly string[]).includes(value)
}

/** Optional properties stay absent rather than `undefined` (exactOptionalPropertyTypes-friendly, and toEqual-friendly). */
function omitUndefined<T extends object>(value: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as { [K in keyof T]: Exclude<T[K], undefined> }
}
