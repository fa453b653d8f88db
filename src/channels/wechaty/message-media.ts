import { types, type Message } from 'wechaty'
import { MEDIA_LABEL, safeFileName, sniffMediaType, withTypeExtension, type InboundMedia, type MediaKind } from '../../core/media.js'

/** Puppet message types that carry a file QunDesk keeps. */
const MEDIA_KIND: Partial<Record<number, MediaKind>> = {
  [types.Message.Image]: 'image',
  [types.Message.Audio]: 'voice',
  [types.Message.Video]: 'video',
  [types.Message.Attachment]: 'file',
}

/** The conversation line of the other non-text types, in Chinese (the puppets' enum names leaked as "[Image]"). */
const OTHER_LABEL: Partial<Record<number, string>> = {
  [types.Message.Emoticon]: '[表情]',
  [types.Message.Url]: '[链接]',
  [types.Message.MiniProgram]: '[小程序]',
  [types.Message.Recalled]: '[撤回了一条消息]',
  [types.Message.Contact]: '[名片]',
  [types.Message.Location]: '[位置]',
  [types.Message.ChatHistory]: '[聊天记录]',
  [types.Message.Transfer]: '[转账]',
  [types.Message.RedEnvelope]: '[红包]',
  [types.Message.GroupNote]: '[群公告]',
  [types.Message.Post]: '[动态]',
}

/** A stalled puppet must not hold a message for ever: the file is recorded as unavailable after this. */
const FETCH_TIMEOUT_MS = 30_000

export const mediaKindOf = (type: number): MediaKind | undefined => MEDIA_KIND[type]

/** The line a non-text message shows as: "[图片]", "[文件] 发票.pdf", "[链接]"… */
export function nonTextLabel(type: number, media?: InboundMedia): string {
  const kind = MEDIA_KIND[type]
  if (kind) return kind === 'file' && media ? `${MEDIA_LABEL.file} ${media.fileName}` : MEDIA_LABEL[kind]
  return OTHER_LABEL[type] ?? '[暂不支持的消息]'
}

/**
 * Fetches a picture, voice note, video or file from the puppet, at most `maxBytes` of it: larger ones, and ones the
 * puppet cannot give within 30 s, are recorded by name and size only. The type is read from the bytes, never only
 * from the name the sender gave. Never throws.
 */
export async function fetchMessageMedia(message: Message, kind: MediaKind, maxBytes: number): Promise<InboundMedia> {
  let fileName = safeFileName(undefined, defaultName(kind))
  try {
    const box = await withTimeout(message.toFileBox())
    fileName = safeFileName(box.name, defaultName(kind))
    const declared = Number.isFinite(box.size) && box.size > 0 ? box.size : null
    if (declared !== null && declared > maxBytes) return { kind, fileName, mimeType: 'application/octet-stream', data: null, size: declared, missing: 'too_large' }
    const read = await withTimeout(readCapped(await box.toStream(), maxBytes))
    if (read === 'too_large') return { kind, fileName, mimeType: 'application/octet-stream', data: null, size: declared, missing: 'too_large' }
    const mimeType = sniffMediaType(read) ?? 'application/octet-stream'
    return { kind, fileName: withTypeExtension(fileName, mimeType), mimeType, data: read, size: read.length }
  } catch {
    return { kind, fileName, mimeType: 'application/octet-stream', data: null, size: null, missing: 'unavailable' }
  }
}

const defaultName = (kind: MediaKind) => ({ image: 'image', voice: 'voice', video: 'video', file: 'file' })[kind]

async function readCapped(stream: NodeJS.ReadableStream & { destroy?: () => void }, maxBytes: number): Promise<Buffer | 'too_large'> {
  const chunks: Buffer[] = []
  let total = 0
  for await (const chunk of stream) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string)
    total += buffer.length
    if (total > maxBytes) {
      stream.destroy?.()
      return 'too_large'
    }
    chunks.push(buffer)
  }
  return Buffer.concat(chunks)
}

function withTimeout<T>(work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error('media fetch timed out')), FETCH_TIMEOUT_MS) })
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer))
}
