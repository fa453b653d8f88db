import { sql, type Kysely } from 'kysely'
import { autoId } from './column-types.js'

/**
 * The outbox: every message the bot sends is stored first and sent by one paced worker, so a crash, a dropped
 * puppet or a burst of approvals never loses a reply and never sends one twice. Suggestions gain a `failed`
 * state for replies the outbox gave up on; one caught mid-send by an older version is marked failed too (whether
 * it went out is unknown, and re-sending could double it).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('outbox')
    .addColumn('id', ...autoId(db))
    // What the send is for: `suggestion:<id>` or `slot:<message id>`; one live send per source at a time.
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('group_id', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('mention_member_id', 'text')
    .addColumn('mention_member_name', 'text')
    .addColumn('reply_to_message_id', 'text')
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'text')
    .addColumn('last_error', 'text')
    // Set once the owner (e.g. the suggestion) has recorded the outcome; unset rows are re-told after a crash.
    .addColumn('settled_at', 'text')
    .execute()
  await db.schema.createIndex('outbox_due').on('outbox').columns(['status', 'next_attempt_at', 'id']).execute()
  await db.schema.createIndex('outbox_live_source').on('outbox').column('source').unique().where(sql.ref('status'), 'in', ['queued', 'sending']).execute()
  await sql`UPDATE suggestions SET status = 'failed', last_error = '发送时进程中断，无法确认是否已发出：请在群里确认后再决定是否重发' WHERE status = 'sending'`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('outbox').execute()
}
