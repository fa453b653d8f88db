import { sql, type Kysely } from 'kysely'
import { BIGINT, autoId } from './column-types.js'

/** Pictures, voice notes and files customers send, kept with their message (issue 17). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createTable('message_media')
    .addColumn('id', ...autoId(db))
    .addColumn('message_id', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('group_id', 'text', (c) => c.notNull())
    .addColumn('sender_id', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('mime_type', 'text', (c) => c.notNull())
    .addColumn('file_name', 'text', (c) => c.notNull())
    .addColumn('size_bytes', BIGINT)
    .addColumn('sha256', 'text')
    .addColumn('content', 'text')
    .addColumn('transcript', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('content_purged_at', 'text')
    .addUniqueConstraint('message_media_message_position', ['message_id', 'position'])
    .execute()
  await db.schema.createIndex('message_media_sender').on('message_media').columns(['group_id', 'sender_id']).execute()
  await db.schema.createIndex('message_media_unpurged').on('message_media').columns(['sent_at']).where(sql.ref('content_purged_at'), 'is', null).execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('message_media').execute()
}
