import { isInlineImage, type MediaKind, type MediaStatus } from '../core/media.js'
import type { Logger } from '../core/logger.js'
import type { Db } from '../storage/create-db.js'
import { readMedia } from '../storage/message-media.repository.js'
import { toPlayableAudio } from './playable-audio.js'

/** One stored file as the console serves it. */
export interface MediaFile {
  kind: MediaKind
  fileName: string
  /** What the response says it is: a browser-safe type, or application/octet-stream. */
  mimeType: string
  /** Inline only for pictures and audio a browser shows itself; everything else is a download. */
  inline: boolean
  data: Buffer
}

export type MediaLookup = { found: true; file: MediaFile } | { found: false; status: MediaStatus | 'unknown' }

export interface MediaLibrary {
  /** The file, or why there is none (never stored, too large, purged by retention, no such message). */
  open(messageId: string, position: number, options?: { download?: boolean }): Promise<MediaLookup>
}

const PLAYABLE_AUDIO = new Set(['audio/wav', 'audio/mpeg', 'audio/ogg', 'audio/aac', 'audio/mp4'])

/**
 * Serves what customers sent: pictures as they are (JPEG, PNG, GIF, WebP only: an SVG or HTML "image" is a
 * download and never rendered), voice notes decoded from WeChat's SILK to WAV so the browser can play them, video
 * MP4 inline, everything else as a download under its own name.
 *
 * @example
 * const media = createMediaLibrary({ db, logger })
 * const found = await media.open('wechaty:abc', 0)   // { found: true, file: { mimeType: 'image/png', inline: true, … } }
 */
export function createMediaLibrary(deps: { db: Db; logger: Logger }): MediaLibrary {
  return {
    async open(messageId, position, options) {
      const stored = await readMedia(deps.db, messageId, position)
      if (!stored) return { found: false, status: 'unknown' }
      if (!stored.data) return { found: false, status: stored.status }
      const base = { kind: stored.kind, fileName: stored.fileName || 'file', data: stored.data }
      if (options?.download) return { found: true, file: { ...base, mimeType: 'application/octet-stream', inline: false } }
      if (stored.kind === 'image' && isInlineImage(stored.mimeType)) return { found: true, file: { ...base, mimeType: stored.mimeType, inline: true } }
      if (stored.kind === 'voice') {
        try {
          const audio = await toPlayableAudio(stored.data, stored.mimeType)
          if (PLAYABLE_AUDIO.has(audio.mimeType)) return { found: true, file: { ...base, ...audio, inline: true } }
        } catch (error) {
          deps.logger.warn({ messageId, position, err: error }, 'a voice note could not be decoded; offered as a download')
        }
      }
      if (stored.kind === 'video' && stored.mimeType === 'video/mp4') return { found: true, file: { ...base, mimeType: 'video/mp4', inline: true } }
      return { found: true, file: { ...base, mimeType: 'application/octet-stream', inline: false } }
    },
  }
}
