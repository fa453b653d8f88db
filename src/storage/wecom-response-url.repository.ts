import type { Db } from './create-db.js'
import type { WecomResponseUrlRow } from './schema.js'

export async function saveResponseUrl(db: Db, r: { messageId: string; groupId: string; responseUrl: string; expiresAt: string }): Promise<void> {
  await db.insertInto('wecom_response_urls')
    .values({ message_id: r.messageId, group_id: r.groupId, response_url: r.responseUrl, expires_at: r.expiresAt, used_at: null })
    .onConflict((oc) => oc.column('message_id').doNothing())
    .execute()
}

export async function findResponseUrl(db: Db, messageId: string): Promise<WecomResponseUrlRow | undefined> {
  return db.selectFrom('wecom_response_urls').selectAll().where('message_id', '=', messageId).executeTakeFirst()
}

/** Claims the one-shot URL; false when it was already used (two sends can never both post). */
export async function claimResponseUrl(db: Db, messageId: string, at: string): Promise<boolean> {
  const result = await db.updateTable('wecom_response_urls').set({ used_at: at }).where('message_id', '=', messageId).where('used_at', 'is', null).executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}
