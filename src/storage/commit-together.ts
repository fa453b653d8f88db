import { groupCommit } from '../core/group-commit.js'
import type { Db } from './create-db.js'

/** Runs `write` (a few statements, no waiting on anything but the database) in a commit it may share with others'. */
export type CommitTogether = <R>(write: (db: Db) => Promise<R>) => Promise<R>

/** Each write on its own, as before batching: for callers given no shared one (tests, tools). */
export const commitAlone = (db: Db): CommitTogether => (write) => write(db)

/**
 * Small writes from concurrent work (a burst's suggestions and message outcomes) in shared transactions: one write
 * runs at a time, and the writes that came in meanwhile run together in the next transaction, so a burst costs a
 * commit per batch rather than per write. A lone write runs at once, alone. When a batch fails, its writes run
 * again one by one, so one bad write fails only its own caller. A write must not wait on anything slow (matching,
 * network): the transaction, and on SQLite the connection, is held while it runs.
 *
 * @example
 * const commit = commitTogether(db)
 * const row = await commit((trx) => insertSuggestion(trx, row))
 */
export function commitTogether(db: Db): CommitTogether {
  type Write = (db: Db) => Promise<unknown>
  const run = groupCommit<Write, unknown>({
    writeBatch: (writes) => db.transaction().execute(async (trx) => {
      const results: unknown[] = []
      for (const write of writes) results.push(await write(trx))
      return results
    }),
    writeOne: (write) => write(db),
  })
  return (write) => run(write) as Promise<never>
}
