import { sql, type Kysely } from 'kysely'
import { autoId, FLOAT, BIGINT } from './column-types.js'

/** Messages, the suggestion queue and the audit log. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('messages')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('group_id', 'text', (c) => c.notNull())
    .addColumn('group_name', 'text', (c) => c.notNull())
    .addColumn('sender_id', 'text', (c) => c.notNull())
    .addColumn('sender_name', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('question', 'text', (c) => c.notNull())
    .addColumn('mentions_bot', 'integer', (c) => c.notNull())
    .addColumn('from_self', 'integer', (c) => c.notNull())
    .addColumn('sent_at', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('handled_at', 'text')
    .addColumn('error', 'text')
    .execute()
  await db.schema.createIndex('messages_group_sent').on('messages').columns(['group_id', 'sent_at']).execute()
  await db.schema.createIndex('messages_status').on('messages').column('status').execute()

  await db.schema
    .createTable('suggestions')
    .addColumn('id', ...autoId(db))
    .addColumn('message_id', 'text', (c) => c.notNull().unique().references('messages.id'))
    .addColumn('group_id', 'text', (c) => c.notNull())
    .addColumn('group_name', 'text', (c) => c.notNull())
    .addColumn('member_id', 'text', (c) => c.notNull())
    .addColumn('member_name', 'text', (c) => c.notNull())
    .addColumn('question', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('intent_id', 'text')
    .addColumn('score', FLOAT)
    .addColumn('text', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('asked_at', 'text', (c) => c.notNull())
    .addColumn('decision', 'text')
    .addColumn('decided_by', 'text')
    .addColumn('decided_at', 'text')
    .addColumn('final_text', 'text')
    .addColumn('reject_reason', 'text')
    .addColumn('replied_at', 'text')
    .addColumn('response_ms', BIGINT)
    .addColumn('last_error', 'text')
    .execute()
  await db.schema.createIndex('suggestions_status_created').on('suggestions').columns(['status', 'created_at']).execute()

  await db.schema
    .createTable('audit_log')
    .addColumn('id', ...autoId(db))
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('subject_type', 'text', (c) => c.notNull())
    .addColumn('subject_id', 'text', (c) => c.notNull())
    .addColumn('detail', 'text', (c) => c.notNull().defaultTo(sql`'{}'`))
    .execute()
  await db.schema.createIndex('audit_log_at').on('audit_log').column('at').execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('audit_log').execute()
  await db.schema.dropTable('suggestions').execute()
  await db.schema.dropTable('messages').execute()
}
