import { sql, type Kysely } from 'kysely'

/**
 * Privacy (PIPL): messages and suggestions record when their content was purged (retention or a member's erasure).
 * The partial indexes hold only rows still carrying content, so the nightly purge finds old rows without scanning
 * the ones it already emptied; erasing or exporting a member finds their suggestions and the bot's sends to them
 * by member id.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('messages').addColumn('content_purged_at', 'text').execute()
  await db.schema.alterTable('suggestions').addColumn('content_purged_at', 'text').execute()
  await db.schema.createIndex('messages_unpurged_sent').on('messages').column('sent_at').where(sql.ref('content_purged_at'), 'is', null).execute()
  await db.schema.createIndex('suggestions_unpurged_asked').on('suggestions').column('asked_at').where(sql.ref('content_purged_at'), 'is', null).execute()
  await db.schema.createIndex('suggestions_member').on('suggestions').columns(['member_id', 'group_id']).execute()
  await db.schema.createIndex('outbox_mention_member').on('outbox').column('mention_member_id').execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('outbox_mention_member').execute()
  await db.schema.dropIndex('suggestions_member').execute()
  await db.schema.dropIndex('suggestions_unpurged_asked').execute()
  await db.schema.dropIndex('messages_unpurged_sent').execute()
  await db.schema.alterTable('suggestions').dropColumn('content_purged_at').execute()
  await db.schema.alterTable('messages').dropColumn('content_purged_at').execute()
}
