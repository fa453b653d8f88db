import { sql } from 'kysely'
import type { Db } from './create-db.js'
import { isPostgres } from './dialect.js'

/**
 * After an erasure or a key rotation: makes the replaced content unreadable on disk too. SQLite connections run with
 * secure_delete (create-db.ts), so freed cells are already zeroed in the new page versions; the checkpoint copies
 * those into the database file and empties the -wal, whose older frames still hold the old pages. Best effort: a
 * reader holding an old snapshot makes the checkpoint partial, and the next checkpoint finishes it.
 *
 * PostgreSQL keeps dead row versions until VACUUM reuses their space (VACUUM FULL rewrites the table); see README.
 */
export async function flushErasedContent(db: Db): Promise<void> {
  if (isPostgres(db)) return
  await sql`PRAGMA wal_checkpoint(TRUNCATE)`.execute(db)
}
