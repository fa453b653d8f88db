import { safeFileName, sniffMediaType, withTypeExtension, type InboundMedia } from '../../core/media.js'
import { isFetchableUrl } from './aibot-message.js'
import { aibotMediaKey, decryptAibotMedia } from './decrypt-aibot-media.js'

/** A stalled download must not hold the message: it is stored with the file recorded as unavailable after this. */
export const AIBOT_MEDIA_TIMEOUT_MS = 10_000
/** WeCom's file URLs may redirect to its CDN; a few hops, each https. */
const MAX_REDIRECTS = 3
/** PKCS#7 to 32-byte blocks adds at most 32 bytes to the file. */
const PAD_BLOCK = 32

export interface FetchAibotMediaInput {
  kind: 'image' | 'file'
  url: string
  /** The message's own key (base64), when it has one; else `encodingAesKey` is the key. */
  aesKey?: string | undefined
  encodingAesKey: string | undefined
  maxBytes: number
  timeoutMs?: number
}

export type FetchAibotMediaResult = { media: InboundMedia; problem?: string }

/**
 * Downloads and decrypts a picture or file the AI bot was sent, at most `maxBytes` of it, within 10 s: https only
 * (plain http to loopback for a local relay), redirects followed only to https. Never throws and never loses the
 * message: a failed download is the file recorded as unavailable, with `problem` saying why (without the URL,
 * whose query is a credential). The type is read from the decrypted bytes; a file's name from Content-Disposition.
 *
 * @example
 * const { media, problem } = await fetchAibotMedia({ kind: 'image', url, encodingAesKey, maxBytes: config.mediaMaxBytes })
 */
export async function fetchAibotMedia(input: FetchAibotMediaInput): Promise<FetchAibotMediaResult> {
  const { kind, maxBytes } = input
  const unavailable = (problem: string, fileName: string = kind): FetchAibotMediaResult =>
    ({ media: { kind, fileName, mimeType: 'application/octet-stream', data: null, size: null, missing: 'unavailable' }, problem })
  let key: Buffer
  try {
    key = aibotMediaKey(input.encodingAesKey, input.aesKey)
  } catch (error) {
    return unavailable((error as Error).message)
  }
  const signal = AbortSignal.timeout(input.timeoutMs ?? AIBOT_MEDIA_TIMEOUT_MS)
  let fileName = kind as string
  try {
    const response = await get(input.url, signal)
    if (typeof response === 'string') return unavailable(response)
    fileName = kind === 'file' ? safeFileName(fileNameOf(response.headers.get('content-disposition')), 'file') : kind
    if (response.status !== 200) {
      await response.body?.cancel().catch(() => undefined)
      return unavailable(`the download answered HTTP ${response.status}`, fileName)
    }
    const declared = Number(response.headers.get('content-length') ?? NaN)
    const tooLarge = (size: number | null): FetchAibotMediaResult =>
      ({ media: { kind, fileName, mimeType: 'application/octet-stream', data: null, size, missing: 'too_large' } })
    if (Number.isFinite(declared) && declared > maxBytes + PAD_BLOCK) {
      await response.body?.cancel().catch(() => undefined)
      return tooLarge(declared)
    }
    const encrypted = await readCapped(response, maxBytes + PAD_BLOCK)
    if (encrypted === 'too_large') return tooLarge(Number.isFinite(declared) ? declared : null)
    const data = decryptAibotMedia(encrypted, key)
    if (data.length > maxBytes) return tooLarge(data.length)
    const mimeType = sniffMediaType(data) ?? 'application/octet-stream'
    return { media: { kind, fileName: withTypeExtension(fileName, mimeType), mimeType, data, size: data.length } }
  } catch (error) {
    const timedOut = signal.aborted
    return unavailable(timedOut ? `the download took longer than ${input.timeoutMs ?? AIBOT_MEDIA_TIMEOUT_MS} ms` : describe(error), fileName)
  }
}

/** GET with redirects followed by hand, so none leads off https; a string says why there is no response. */
async function get(url: string, signal: AbortSignal): Promise<Response | string> {
  let current = url
  if (!isFetchableUrl(current)) return 'the download URL is not https'
  for (let hop = 0; ; hop++) {
    const response = await fetch(current, { signal, redirect: 'manual' })
    if (response.status < 300 || response.status >= 400) return response
    await response.body?.cancel().catch(() => undefined)
    const location = response.headers.get('location')
    if (!location) return `the download answered HTTP ${response.status} without a Location`
    if (hop >= MAX_REDIRECTS) return `the download redirected more than ${MAX_REDIRECTS} times`
    const next = new URL(location, current)
    if (next.protocol !== 'https:') return `the download redirected to ${next.protocol} (only https is followed)`
    current = next.href
  }
}

/** "fetch failed (ECONNREFUSED)": undici's message and its cause's code, never the URL. */
function describe(error: unknown): string {
  const code = (error as { cause?: { code?: unknown } }).cause?.code
  return `${error instanceof Error ? error.message : 'the download failed'}${typeof code === 'string' ? ` (${code})` : ''}`
}

async function readCapped(response: Response, maxBytes: number): Promise<Buffer | 'too_large'> {
  const chunks: Buffer[] = []
  let total = 0
  if (!response.body) return Buffer.alloc(0)
  const reader = response.body.getReader()
  for (;;) {
    const { done, value } = await reader.read()
    if (done) return Buffer.concat(chunks)
    total += value.length
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined)
      return 'too_large'
    }
    chunks.push(Buffer.from(value))
  }
}

/** `attachment; filename*=UTF-8''%E5%8F%91%E7%A5%A8.pdf` or `filename="invoice.pdf"` -> the name; undefined when absent or unreadable. */
export function fileNameOf(header: string | null): string | undefined {
  if (!header) return undefined
  const extended = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/u.exec(header)
  if (extended) {
    try {
      return decodeURIComponent(extended[1]!.trim())
    } catch {
      // A broken escape: fall back to the plain filename.
    }
  }
  const plain = /filename\s*=\s*(?:"([^"]*)"|([^;]+))/u.exec(header)
  return plain ? (plain[1] ?? plain[2])?.trim() : undefined
}
