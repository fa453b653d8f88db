import type { Kysely } from 'kysely'

/**
 * Several agents on one queue: an item an agent opened is theirs for a while (claimed_by / claimed_at, the claim's
 * last activity), and every change to a suggestion bumps `version`, so a decision taken on what the agent saw is
 * refused when the item changed since (issue 17). Existing rows start unclaimed at version 1.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('suggestions').addColumn('version', 'integer', (c) => c.notNull().defaultTo(1)).execute()
  await db.schema.alterTable('suggestions').addColumn('claimed_by', 'text').execute()
  await db.schema.alterTable('suggestions').addColumn('claimed_at', 'text').execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('suggestions').dropColumn('claimed_at').execute()
  await db.schema.alterTable('suggestions').dropColumn('claimed_by').execute()
  await db.schema.alterTable('suggestions').dropColumn('version').execute()
}
