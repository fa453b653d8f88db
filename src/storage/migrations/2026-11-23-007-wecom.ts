import type { Kysely } from 'kysely'
import { autoId } from './column-types.js'

/**
 * WeCom callbacks: every verified delivery is stored (deduplicated) before it is acknowledged, then processed;
 * AI-bot messages keep their one-shot response_url until an agent's reply uses it or it expires.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('wecom_callbacks')
    .addColumn('id', ...autoId(db))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('dedupe_key', 'text', (c) => c.notNull().unique())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('processed_at', 'text')
    .addColumn('error', 'text')
    .execute()
  await db.schema.createIndex('wecom_callbacks_status').on('wecom_callbacks').columns(['status', 'id']).execute()

  await db.schema
    .createTable('wecom_response_urls')
    .addColumn('message_id', 'text', (c) => c.primaryKey())
    .addColumn('group_id', 'text', (c) => c.notNull())
    .addColumn('response_url', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text')
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('wecom_response_urls').execute()
  await db.schema.dropTable('wecom_callbacks').execute()
}
