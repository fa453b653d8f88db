import type { Kysely } from 'kysely'
import { autoId } from './column-types.js'

/** Questions waiting for a fact from the customer (an order number, a phone...). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('slot_requests')
    .addColumn('id', ...autoId(db))
    .addColumn('message_id', 'text', (c) => c.notNull().unique().references('messages.id'))
    .addColumn('group_id', 'text', (c) => c.notNull())
    .addColumn('member_id', 'text', (c) => c.notNull())
    .addColumn('intent_id', 'text', (c) => c.notNull())
    .addColumn('question', 'text', (c) => c.notNull())
    .addColumn('slots', 'text', (c) => c.notNull())
    .addColumn('asked_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('filled_by_message_id', 'text')
    .execute()
  await db.schema.createIndex('slot_requests_open').on('slot_requests').columns(['member_id', 'group_id', 'status']).execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('slot_requests').execute()
}
