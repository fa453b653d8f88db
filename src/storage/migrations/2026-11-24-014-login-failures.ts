import type { Kysely } from 'kysely'
import { isPostgres } from '../dialect.js'

/**
 * Failed console logins, one row per throttle key (`user:<name>`, `ip:<address>`) and failure, so the login
 * throttle is the same on every instance behind a load balancer (and survives a restart). Rows older than the
 * throttle window are deleted as new failures come in.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createTable('login_failures')
    // 64-bit on PostgreSQL: a password spray may burn through ids for years; rows live 15 minutes.
    .addColumn('id', isPostgres(db) ? 'bigserial' : 'integer', (c) => (isPostgres(db) ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('login_failures_key_at').on('login_failures').columns(['key', 'at']).execute()
  await db.schema.createIndex('login_failures_at').on('login_failures').column('at').execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('login_failures').execute()
}
