import { PostgresAdapter, type Kysely } from 'kysely'

/** Which database a Kysely instance talks to; for the few places that must differ (pragmas, locks, backups). */
export const isPostgres = (db: Kysely<never> | Kysely<unknown> | { getExecutor(): { adapter: unknown } }): boolean =>
  (db as { getExecutor(): { adapter: unknown } }).getExecutor().adapter instanceof PostgresAdapter

/** A PostgreSQL URL with the password replaced, fit for messages and logs. */
export function redactDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url)
    if (parsed.password) parsed.password = '***'
    return parsed.toString()
  } catch {
    return 'postgres://(unparseable URL)'
  }
}
