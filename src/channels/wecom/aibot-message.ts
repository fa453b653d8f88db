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

/** image, mixed, voice, file, event, stream refresh ...: stored, not answered. */
export interface AibotUnsupportedMessage extends Partial<AibotMessageBase> {
  kind: 'unsupported'
  msgId: string
  msgtype: string
}

export type AibotMessage = AibotTextMessage | AibotUnsupportedMessage
export type AibotMessageResult = { ok: true; message: AibotMessage } | { ok: false; error: string }

const MAX_ID = 256
const MAX_URL = 2048
/** WeCom caps a text message at 2048 bytes; leave room for odd clients, refuse absurd values. */
const MAX_TEXT = 16 * 1024

class FieldError extends Error {}

/**
 * The AI bot's decrypted JSON -> a checked message. Pure; never throws.
 * `{ msgid, aibotid, chatid, chattype, from: { userid }, response_url, msgtype: 'text', text: { content } }`.
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
  if (msgtype !== 'text') {
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
  const body = object(root.text, 'text')
  const content = body.content
  if (typeof content !== 'string') throw new FieldError('text.content must be a string')
  if (content.length > MAX_TEXT) throw new FieldError(`text.content is longer than ${MAX_TEXT} characters`)
  return dropUndefined({
    kind: 'text' as const,
    msgId,
    aibotId: text(root, 'aibotid', MAX_ID),
    chatId,
    chatType,
    userId: text(object(root.from, 'from'), 'userid', MAX_ID),
    responseUrl: responseUrl(root, true),
    text: content,
  })
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
