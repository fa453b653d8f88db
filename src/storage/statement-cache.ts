import type SQLite from 'better-sqlite3'
import type { SqliteDatabase } from 'kysely'

/** Distinct SQL texts kept prepared: QunDesk's queries are a few hundred shapes; `IN (?, ?, …)` lists vary the rest. */
export const STATEMENT_CACHE_SIZE = 500

/**
 * better-sqlite3 as kysely's SQLite driver sees it, with prepared statements reused. The driver prepares every
 * query afresh, and preparing was a large share of the work for the many small queries of a burst or a member sync
 * (bench/scale-account-profile.md: 9 s of a 1,000-group sync). A statement still being iterated (a streamed query,
 * `busy`) is never handed out twice: the caller gets a fresh one. Least recently used texts are dropped beyond
 * `max` (better-sqlite3 frees a statement once it is unreachable).
 *
 * @example
 * new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(new SQLite(file)) }) })
 */
export function withStatementCache(sqlite: SQLite.Database, max = STATEMENT_CACHE_SIZE): SqliteDatabase {
  const cache = new Map<string, SQLite.Statement>()
  return {
    close() {
      cache.clear()
      sqlite.close()
    },
    prepare(sql) {
      const cached = cache.get(sql)
      if (cached && !cached.busy) {
        // Map order is the recency order: move the hit to the end.
        cache.delete(sql)
        cache.set(sql, cached)
        return cached
      }
      const statement = sqlite.prepare(sql)
      if (!cached) {
        cache.set(sql, statement)
        if (cache.size > max) cache.delete(cache.keys().next().value!)
      }
      return statement
    },
  }
}
