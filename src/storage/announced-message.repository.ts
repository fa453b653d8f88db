import type { Db } from './create-db.js'

/** Rows per statement: well under both databases' limits on bound parameters. */
const CHUNK = 500

const chunks = <T>(items: readonly T[]): T[][] => {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK))
  return out
}

/** Records announced message ids (one statement per 500; an id already recorded stays as it was). */
export async function recordAnnouncedMessages(db: Db, instanceId: string, channel: string, messageIds: readonly string[], at: string): Promise<void> {
  for (const ids of chunks(messageIds)) {
    await db.insertInto('announced_messages')
      .values(ids.map((message_id) => ({ instance_id: instanceId, channel, message_id, announced_at: at })))
      .onConflict((oc) => oc.columns(['instance_id', 'channel', 'message_id']).doNothing())
      .execute()
  }
}

/** Forgets announced ids once their messages are stored or deliberately skipped. */
export async function clearAnnouncedMessages(db: Db, instanceId: string, channel: string, messageIds: readonly string[]): Promise<void> {
  for (const ids of chunks(messageIds)) {
    await db.deleteFrom('announced_messages')
      .where('instance_id', '=', instanceId).where('channel', '=', channel).where('message_id', 'in', ids)
      .execute()
  }
}

/** The ids this instance's puppet announced and no run of it stored, oldest first. */
export async function listAnnouncedMessages(db: Db, instanceId: string, channel: string, limit = 500): Promise<string[]> {
  const rows = await db.selectFrom('announced_messages').select('message_id')
    .where('instance_id', '=', instanceId).where('channel', '=', channel)
    .orderBy('announced_at').orderBy('message_id').limit(limit).execute()
  return rows.map((r) => r.message_id)
}

/**
 * Deletes ids announced before `before`, of every instance (one that never came back included): puppets keep
 * payloads for a limited time, so such an id can no longer be read. Returns how many went.
 */
export async function pruneAnnouncedMessages(db: Db, before: string): Promise<number> {
  const result = await db.deleteFrom('announced_messages').where('announced_at', '<', before).executeTakeFirst()
  return Number(result.numDeletedRows ?? 0)
}
