import type { Db } from './create-db.js'

/**
 * Counts one more attempt for `key` in the window starting at `windowStart` and returns the count, this attempt
 * included. One statement (an upsert), so on every instance each count is returned exactly once.
 */
export async function countLoginAttempt(db: Db, key: string, windowStart: string): Promise<number> {
  const row = await db.insertInto('login_attempt_windows').values({ key, window_start: windowStart, attempts: 1 })
    .onConflict((oc) => oc.columns(['key', 'window_start']).doUpdateSet((eb) => ({ attempts: eb('login_attempt_windows.attempts', '+', 1) })))
    .returning('attempts').executeTakeFirstOrThrow()
  return Number(row.attempts)
}

/** Forgets windows that started before `before`. */
export async function pruneLoginAttemptWindows(db: Db, before: string): Promise<void> {
  await db.deleteFrom('login_attempt_windows').where('window_start', '<', before).execute()
}
