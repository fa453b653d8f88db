import type { Kysely } from 'kysely'

/**
 * A message longer than STORED_TEXT_MAX_CHARS (core/text-limits.ts) is stored cut; this column keeps the trace:
 * the text's length as received (UTF-16 units). Null for every message stored whole, which is all of them before.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('messages').addColumn('text_original_length', 'integer').execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('messages').dropColumn('text_original_length').execute()
}
