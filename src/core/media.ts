/**
 * Pictures, voice notes, videos and files customers send. Channels fetch the bytes at their edge (within
 * MEDIA_MAX_BYTES) and hand them over with the message; storage keeps them with the message under the same
 * retention and erasure as its text.
 */
import { wellFormed } from './well-formed-text.js'

export type MediaKind = 'image' | 'voice' | 'video' | 'file'

/**
 * stored: the bytes are kept; too_large / unavailable: only what is known about them; transcript_only: the platform
 * sends no audio, only what it transcribed (WeCom's AI bot); purged: retention or erasure took them.
 */
export type MediaStatus = 'stored' | 'too_large' | 'unavailable' | 'transcript_only' | 'purged'

export interface InboundMedia {
  kind: MediaKind
  /** As sent (a photo's generated name, a document's own name); made safe for display and a download header. */
  fileName: string
  /** What the bytes are, checked against their first bytes where the kind allows (never the sender's word alone). */
  mimeType: string
  /** The bytes; null when they were too large to keep, could not be fetched, or never sent (`missing` says which). */
  data: Buffer | null
  /** Size in bytes when known (the bytes' length, or what the platform reported). */
  size: number | null
  /** Why `data` is null; `transcript_only` goes with `transcript` (a voice note the platform sent as text only). */
  missing?: 'too_large' | 'unavailable' | 'transcript_only'
  /** What the platform transcribed of a voice note (WeCom's AI bot sends voice as text only). */
  transcript?: string
}

/**
 * The most of one file kept: WeChat photos are a few MB and voice notes tens of KB; a larger file (a video, an
 * archive) is recorded by name and size only, so one upload cannot fill the database or hold the message path.
 */
export const MEDIA_MAX_BYTES = 20 * 1024 * 1024

/** The conversation line a media message shows as, in Chinese (never the puppet's "[Image]"). */
export const MEDIA_LABEL: Readonly<Record<MediaKind, string>> = { image: '[图片]', voice: '[语音]', video: '[视频]', file: '[文件]' }

/** Image types a browser may show inline. Everything else (SVG included: it can carry script) is only ever a download. */
const INLINE_IMAGE_TYPES = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp'])

export const isInlineImage = (mimeType: string): boolean => INLINE_IMAGE_TYPES.has(mimeType)

/**
 * The type of a file from its first bytes, for the kinds QunDesk shows: JPEG, PNG, GIF, WebP, SILK and AMR voice,
 * MP4, PDF. Null when none of those match; callers then keep the file as `application/octet-stream`. Pure.
 *
 * @example
 * sniffMediaType(Buffer.from([0xff, 0xd8, 0xff, 0xe0]))   // 'image/jpeg'
 */
export function sniffMediaType(bytes: Uint8Array): string | null {
  const starts = (...sig: number[]) => sig.every((b, i) => bytes[i] === b)
  const ascii = (at: number, text: string) => [...text].every((c, i) => bytes[at + i] === c.charCodeAt(0))
  if (starts(0xff, 0xd8, 0xff)) return 'image/jpeg'
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'image/png'
  if (ascii(0, 'GIF87a') || ascii(0, 'GIF89a')) return 'image/gif'
  if (ascii(0, 'RIFF') && ascii(8, 'WEBP')) return 'image/webp'
  if (ascii(0, 'RIFF') && ascii(8, 'WAVE')) return 'audio/wav'
  // WeChat's voice notes are SILK v3, with or without its one-byte 0x02 prefix.
  if (ascii(0, '#!SILK_V3') || (bytes[0] === 0x02 && ascii(1, '#!SILK_V3'))) return 'audio/silk'
  if (ascii(0, '#!AMR')) return 'audio/amr'
  if (ascii(4, 'ftyp')) return 'video/mp4'
  if (ascii(0, '%PDF-')) return 'application/pdf'
  return null
}

/**
 * A sender's file name made safe to show and to put in a download header: no path, no control or bidi-override
 * characters (a "gpj.exe" disguised by U+202E), at most 120 characters, never empty. Pure.
 *
 * @example
 * safeFileName('../../etc/passwd')      // 'passwd'
 * safeFileName('发票\u202Efdp.exe')     // '发票fdp.exe'
 */
export function safeFileName(name: string | undefined, fallback = 'file'): string {
  const base = (name ?? '').split(/[\\/]/u).pop() ?? ''
  const clean = wellFormed(base.replace(/[\p{Cc}\p{Cf}\u2028\u2029]/gu, '')).replace(/^\.+/u, '').trim()
  const cut = [...clean].slice(0, 120).join('')
  return cut === '' ? fallback : cut
}

const EXTENSION: Readonly<Record<string, string>> = {
  'image/jpeg': '.jpg', 'image/png': '.png', 'image/gif': '.gif', 'image/webp': '.webp', 'audio/wav': '.wav', 'audio/silk': '.silk',
  'audio/amr': '.amr', 'video/mp4': '.mp4', 'application/pdf': '.pdf',
}

/**
 * A name without an extension gets the one of its sniffed type, so a downloaded copy opens ("image" → "image.png").
 * Pure.
 *
 * @example
 * withTypeExtension('image', 'image/png')   // 'image.png'
 */
export function withTypeExtension(name: string, mimeType: string): string {
  const extension = EXTENSION[mimeType]
  return extension && !/\.[A-Za-z0-9]{1,8}$/u.test(name) ? `${name}${extension}` : name
}
