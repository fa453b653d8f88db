import { createHash } from 'node:crypto'
import type { InboundMedia, MediaKind, MediaStatus } from '../core/media.js'
import type { Db } from './create-db.js'
import type { MessageMediaRow } from './schema.js'
import type { PurgeStep } from './retention.repository.js'

/** What the console lists about a message's media: never the bytes. */
export interface MediaSummary {
  messageId: string
  position: number
  kind: MediaKind
  mimeType: string
  fileName: string
  sizeBytes: number | null
  status: MediaStatus
  transcript: string | null
}

/**
 * Stores what came with a message, in the caller's transaction (the message insert's), so a message is never
 * stored without its media nor media without its message.
 */
export async function insertMessageMedia(trx: Db, message: { id: string; groupId: string; senderId: string; sentAt: string }, media: readonly InboundMedia[], at: string): Promise<void> {
  if (media.length === 0) return
  await trx.insertInto('message_media').values(media.map((m, position) => {
    const status: MediaStatus = m.data ? 'stored' : (m.missing ?? 'unavailable')
    return {
      message_id: message.id, position, group_id: message.groupId, sender_id: message.senderId, sent_at: message.sentAt,
      kind: m.kind, mime_type: m.mimeType, file_name: m.fileName, size_bytes: m.data ? m.data.length : m.size,
      sha256: m.data ? createHash('sha256').update(m.data).digest('hex') : null,
      content: m.data ? m.data.toString('base64') : null, transcript: m.transcript ?? null, status, created_at: at, content_purged_at: null,
    }
  })).execute()
}

const SUMMARY = ['message_id', 'position', 'kind', 'mime_type', 'file_name', 'size_bytes', 'status', 'transcript'] as const

const toSummary = (r: Pick<MessageMediaRow, typeof SUMMARY[number]>): MediaSummary => ({
  messageId: r.message_id, position: r.position, kind: r.kind, mimeType: r.mime_type, fileName: r.file_name,
  sizeBytes: r.size_bytes === null ? null : Number(r.size_bytes), status: r.status, transcript: r.transcript,
})

/** The media of these messages (for a conversation view), by message id, in position order. */
export async function listMediaOf(db: Db, messageIds: readonly string[]): Promise<Map<string, MediaSummary[]>> {
  const byMessage = new Map<string, MediaSummary[]>()
  for (let i = 0; i < messageIds.length; i += 500) {
    const rows = await db.selectFrom('message_media').select([...SUMMARY]).where('message_id', 'in', messageIds.slice(i, i + 500)).orderBy('message_id').orderBy('position').execute()
    for (const row of rows) {
      const list = byMessage.get(row.message_id) ?? []
      list.push(toSummary(row))
      byMessage.set(row.message_id, list)
    }
  }
  return byMessage
}

/** One media item with its bytes (null when not stored), and the group it was sent in (for the reader's access check). */
export async function readMedia(db: Db, messageId: string, position: number): Promise<(MediaSummary & { groupId: string; data: Buffer | null }) | undefined> {
  const row = await db.selectFrom('message_media').select([...SUMMARY, 'group_id', 'content'])
    .where('message_id', '=', messageId).where('position', '=', position).executeTakeFirst()
  if (!row) return undefined
  return { ...toSummary(row), groupId: row.group_id, data: row.status === 'stored' && row.content ? Buffer.from(row.content, 'base64') : null }
}

/** Every media row of a member, bytes included (the PIPL export). */
export async function listMemberMedia(db: Db, memberId: string): Promise<MessageMediaRow[]> {
  return db.selectFrom('message_media').selectAll().where('sender_id', '=', memberId).orderBy('sent_at').orderBy('message_id').orderBy('position').execute()
}

/** Deletes a member's media, rows and bytes (erasure: nothing of it is kept). Returns how many. */
export async function deleteMemberMedia(trx: Db, memberId: string): Promise<number> {
  const result = await trx.deleteFrom('message_media').where('sender_id', '=', memberId).executeTakeFirst()
  return Number(result.numDeletedRows)
}

/**
 * Retention: the bytes, file name and transcript of media sent before `before` go, in one bounded step; the row
 * stays (kind, size, time) like the message row it belongs to. Returns how many rows changed.
 */
export async function purgeMediaContent(db: Db, step: PurgeStep): Promise<number> {
  const ids = db.selectFrom('message_media').select('id').where('content_purged_at', 'is', null).where('sent_at', '<', step.before).limit(step.limit)
  const result = await db.updateTable('message_media')
    .set({ content: null, transcript: null, file_name: '', sha256: null, status: 'purged', content_purged_at: step.at })
    .where('id', 'in', ids)
    .executeTakeFirst()
  return Number(result.numUpdatedRows)
}
