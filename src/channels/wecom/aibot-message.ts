import { wellFormedDeep } from '../../core/well-formed-text.js'
interface AibotMessageBase {
  msgId: string
  aibotId: string
  /** Absent in a single (1:1) chat. */
  chatId?: string
  chatType: 'group' | 'single'
  userId: string
  /** One-shot reply address, valid for an hour. */
  responseUrl?: string
}

/** A text message to the AI bot (智能机器人): the only kind fed to the bot. */
export interface AibotTextMessage extends AibotMessageBase {
  kind: 'text'
  text: string
}

/** One part of what a customer sent: text, a picture or file to download (encrypted), a voice note's transcript. */
export type AibotPart =
  | { type: 'text'; text: string }
  | { type: 'image' | 'file'; url: string; /** Base64 of a per-message AES key (long-connection mode); else the bot's own. */ aesKey?: string }
  | { type: 'voice'; transcript: string }

/**
 * A picture, file, voice note or mixed (图文混排) message to the AI bot: its parts in order. Pictures and files are
 * only URLs here (valid about five minutes, the bytes AES-encrypted); the processor downloads them.
 */
export interface AibotMediaMessage extends AibotMessageBase {
  kind: 'media'
  msgtype: AibotMediaType
  parts: AibotPart[]
}

/** event, stream refresh and whatever WeCom adds next: stored, not answered. */
export interface AibotUnsupportedMessage extends Partial<AibotMessageBase> {
  kind: 'unsupported'
  msgId: string
  msgtype: string
}

export type AibotMessage = AibotTextMessage | AibotMediaMessage | AibotUnsupportedMessage
export type AibotMessageResult = { ok: true; message: AibotMessage } | { ok: false; error: string }

const MAX_ID = 256
const MAX_URL = 2048
/** WeCom caps a text message at 2048 bytes; leave room for odd clients, refuse absurd values. */
const MAX_TEXT = 16 * 1024

/** A mixed message's parts; WeCom's own clients send a few. Refused above this, not cut: nothing is dropped silently. */
export const MAX_MIXED_ITEMS = 20

type AibotMediaType = 'image' | 'mixed' | 'voice' | 'file'
const MEDIA_TYPES: ReadonlySet<string> = new Set<AibotMediaType>(['image', 'mixed', 'voice', 'file'])

class FieldError extends Error {}

/**
 * The AI bot's decrypted JSON -> a checked message. Pure; never throws.
 * `{ msgid, aibotid, chatid, chattype, from: { userid }, response_url, msgtype: 'text', text: { content } }`;
 * `msgtype` image `{ image: { url, aeskey? } }`, file `{ file: { url, aeskey? } }`, voice `{ voice: { content } }`
 * (the transcript) and mixed `{ mixed: { msg_item: [{ msgtype: 'text', text }, { msgtype: 'image', image }] } }`.
 *
 * @example
 * const parsed = parseAibotMessage(plaintext)
 * if (parsed.ok && parsed.message.kind === 'text') ask(parsed.message.text)
 */
export function parseAibotMessage(plaintext: string): AibotMessageResult {
  let json: unknown
  try {
    // A JSON escape can spell a lone surrogate; the text is stored and audited, so it enters well-formed.
    json = wellFormedDeep(JSON.parse(plaintext))
  } catch {
    return { ok: false, error: 'the decrypted message is not JSON' }
  }
  try {
    return { ok: true, message: toAibotMessage(json) }
  } catch (error) {
    return { ok: false, error: error instanceof FieldError ? error.message : 'the message fields could not be read' }
  }
}

function toAibotMessage(json: unknown): AibotMessage {
  const root = object(json, 'the message')
  const msgId = text(root, 'msgid', MAX_ID)
  const msgtype = text(root, 'msgtype', 64)
  if (msgtype !== 'text' && !MEDIA_TYPES.has(msgtype)) {
    // Only the id and type are needed to store it; whatever else is there must still be well-typed.
    const chatType = optionalText(root, 'chattype', 16)
    const from = root.from === undefined ? undefined : object(root.from, 'from')
    return dropUndefined({
      kind: 'unsupported' as const,
      msgId,
      msgtype,
      aibotId: optionalText(root, 'aibotid', MAX_ID),
      chatId: optionalText(root, 'chatid', MAX_ID),
      chatType: chatType === 'group' || chatType === 'single' ? chatType : undefined,
      userId: from ? optionalText(from, 'userid', MAX_ID) : undefined,
      responseUrl: responseUrl(root, false),
    })
  }
  const chatType = text(root, 'chattype', 16)
  if (chatType !== 'group' && chatType !== 'single') throw new FieldError('chattype must be group or single')
  const chatId = chatType === 'group' ? text(root, 'chatid', MAX_ID) : optionalText(root, 'chatid', MAX_ID)
  const base: AibotMessageBase = {
    msgId,
    aibotId: text(root, 'aibotid', MAX_ID),
    chatId,
    chatType,
    userId: text(object(root.from, 'from'), 'userid', MAX_ID),
  }
  if (msgtype === 'text') return dropUndefined({ kind: 'text' as const, ...base, responseUrl: responseUrl(root, true), text: content(root.text, 'text') })
  // The reply address is kept when it is there; a picture is not refused for lacking one (it goes to an agent anyway).
  return dropUndefined({ kind: 'media' as const, ...base, responseUrl: responseUrl(root, false), msgtype: msgtype as AibotMediaType, parts: mediaParts(root, msgtype as AibotMediaType) })
}

function mediaParts(root: Record<string, unknown>, msgtype: AibotMediaType): AibotPart[] {
  if (msgtype === 'image' || msgtype === 'file') return [download(root[msgtype], msgtype, msgtype)]
  if (msgtype === 'voice') return [{ type: 'voice', transcript: content(root.voice, 'voice') }]
  const items = object(root.mixed, 'mixed').msg_item
  if (!Array.isArray(items)) throw new FieldError('mixed.msg_item must be a list')
  if (items.length === 0) throw new FieldError('mixed.msg_item is empty')
  if (items.length > MAX_MIXED_ITEMS) throw new FieldError(`mixed.msg_item has ${items.length} items, more than ${MAX_MIXED_ITEMS}`)
  const parts = items.map((value, i): AibotPart => {
    const where = `mixed.msg_item[${i}]`
    const item = object(value, where)
    const type = item.msgtype
    if (type === 'text') return { type: 'text', text: content(item.text, `${where}.text`) }
    if (type === 'image') return download(item.image, `${where}.image`, 'image')
    throw new FieldError(`${where}.msgtype must be text or image`)
  })
  const textLength = parts.reduce((sum, p) => sum + (p.type === 'text' ? p.text.length : 0), 0)
  if (textLength > MAX_TEXT) throw new FieldError(`the text of mixed.msg_item is longer than ${MAX_TEXT} characters`)
  return parts
}

/** `{ content }` of a text or voice body. */
function content(value: unknown, what: string): string {
  const body = object(value, what)
  if (typeof body.content !== 'string') throw new FieldError(`${what}.content must be a string`)
  if (body.content.length > MAX_TEXT) throw new FieldError(`${what}.content is longer than ${MAX_TEXT} characters`)
  return body.content
}

/** A picture's or file's `{ url, aeskey? }`. */
function download(value: unknown, what: string, type: 'image' | 'file'): AibotPart {
  const body = object(value, what)
  const url = optionalText(body, 'url', MAX_URL)
  if (url === undefined) throw new FieldError(`${what}.url is missing`)
  if (!isFetchableUrl(url)) throw new FieldError(`${what}.url must be an https URL`)
  const aesKey = optionalText(body, 'aeskey', 64)
  // 32 bytes of base64: 43 characters (an EncodingAESKey) or 44 with its "=".
  if (aesKey !== undefined && (!/^[A-Za-z0-9+/]{43}=?$/.test(aesKey) || Buffer.from(aesKey.replace(/=?$/, '='), 'base64').length !== 32)) {
    throw new FieldError(`${what}.aeskey must be the base64 of 32 bytes`)
  }
  return aesKey === undefined ? { type, url } : { type, url, aesKey }
}

/**
 * https, or plain http to a loopback address (a local relay, or the fake WeCom in tests); printable ASCII only, so
 * a lone surrogate or a space cannot slip into a request line.
 */
export function isFetchableUrl(url: string): boolean {
  return /^https:\/\/[A-Za-z0-9.-]+(:\d+)?\/[\x21-\x7e]*$/.test(url) || /^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?\/[\x21-\x7e]*$/.test(url)
}

function responseUrl(root: Record<string, unknown>, required: boolean): string | undefined {
  const url = required ? text(root, 'response_url', MAX_URL) : optionalText(root, 'response_url', MAX_URL)
  // https only; plain http is accepted for a loopback address (a local relay, or the fake WeCom in tests).
  if (url !== undefined && !/^https:\/\/[^\s/]+\/\S*$/.test(url) && !/^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?\/\S*$/.test(url)) throw new FieldError('response_url must be an https URL')
  return url
}

function object(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new FieldError(`${what} must be an object`)
  return value as Record<string, unknown>
}

function optionalText(obj: Record<string, unknown>, name: string, max: number): string | undefined {
  if (!Object.hasOwn(obj, name) || obj[name] === undefined || obj[name] === null) return undefined
  const value = obj[name]
  if (typeof value !== 'string') throw new FieldError(`${name} must be a string`)
  if (value.length > max) throw new FieldError(`${name} is longer than ${max} characters`)
  return value === '' ? undefined : value
}

function text(obj: Record<string, unknown>, name: string, max: number): string {
  const value = optionalText(obj, name, max)
  if (value === undefined) throw new FieldError(`${name} is missing`)
  return value
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T
}
