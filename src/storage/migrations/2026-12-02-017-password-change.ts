import type { Kysely } from 'kysely'

/**
 * Users whose password someone else chose (the demo's printed one-time password, an admin's reset) must choose
 * their own before the console lets them do anything else. Existing users are not flagged: they chose theirs.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('users').addColumn('must_change_password', 'integer', (c) => c.notNull().defaultTo(0)).execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('users').dropColumn('must_change_password').execute()
}
