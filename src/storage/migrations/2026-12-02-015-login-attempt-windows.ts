import type { Kysely } from 'kysely'

/**
 * Unauthenticated login failures counted per source (`failed:ip:<address>`, `throttled:ip:<address>`) and
 * 10-minute window, so the audit log gets a few entries carrying a count rather than one per attempt: anyone can
 * attempt a login, and the audit log is kept for ever. Old windows are deleted as new ones open.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createTable('login_attempt_windows')
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('window_start', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('login_attempt_windows_pk', ['key', 'window_start'])
    .execute()
  await db.schema.createIndex('login_attempt_windows_start').on('login_attempt_windows').column('window_start').execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('login_attempt_windows').execute()
}
