import type { Kysely } from 'kysely'

/**
 * Keys that stored content has been sealed with (AES-GCM, QUNDESK_CONTENT_KEYS), by id, with a fingerprint of the
 * key (never the key). Opening the database checks the configured keys against it, so a missing or wrong key is
 * refused at start instead of failing on the first read. `retired_at` is set once no row is sealed with the key.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createTable('content_keys')
    .addColumn('key_id', 'text', (c) => c.primaryKey())
    .addColumn('fingerprint', 'text', (c) => c.notNull())
    .addColumn('first_used_at', 'text', (c) => c.notNull())
    .addColumn('retired_at', 'text')
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('content_keys').execute()
}
