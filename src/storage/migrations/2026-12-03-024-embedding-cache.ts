import type { Kysely } from 'kysely'

/**
 * Vectors from the optional embedding provider (issue 18), so a restart or a knowledge reload asks the provider only
 * for texts it has not seen. Keyed by model and the sha256 of the normalised text (the text itself is not stored:
 * a question's vector belongs to a customer's message, and retention deletes it with the message's content).
 * The vector is float32 little-endian bytes in base64: compact, and one text column on both SQLite and PostgreSQL.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createTable('embedding_cache')
    .addColumn('model', 'text', (c) => c.notNull())
    .addColumn('text_hash', 'text', (c) => c.notNull())
    // 'example' (knowledge, kept) or 'question' (a customer's, deleted by retention and by a member's erasure).
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('dimension', 'integer', (c) => c.notNull())
    .addColumn('vector', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('embedding_cache_pk', ['model', 'text_hash'])
    .execute()
  await db.schema.createIndex('embedding_cache_kind_created').on('embedding_cache').columns(['kind', 'created_at']).execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('embedding_cache').execute()
}
