import type { Db } from './create-db.js'

/** Per key, the failures at or after `since`: how many, and the oldest. */
export async function recentLoginFailures(db: Db, keys: readonly string[], since: string): Promise<Array<{ key: string; n: number; first: string }>> {
  if (keys.length === 0) return []
  const rows = await db.selectFrom('login_failures')
    .select((eb) => ['key', eb.fn.countAll<number>().as('n'), eb.fn.min('at').as('first')])
    .where('key', 'in', [...keys]).where('at', '>=', since).groupBy('key').execute()
  return rows.map((r) => ({ key: r.key, n: Number(r.n), first: String(r.first) }))
}

/** Inserts one row per key; the new rows' ids (a login attempt's reservation, see the login throttle). */
export async function insertLoginFailures(db: Db, keys: readonly string[], at: string): Promise<number[]> {
  if (keys.length === 0) return []
  const rows = await db.insertInto('login_failures').values(keys.map((key) => ({ key, at }))).returning('id').execute()
  return rows.map((r) => Number(r.id))
}

export async function deleteLoginFailureIds(db: Db, ids: readonly number[]): Promise<void> {
  if (ids.length === 0) return
  await db.deleteFrom('login_failures').where('id', 'in', [...ids]).execute()
}

export async function deleteLoginFailures(db: Db, keys: readonly string[]): Promise<void> {
  if (keys.length === 0) return
  await db.deleteFrom('login_failures').where('key', 'in', [...keys]).execute()
}

/** Forgets failures older than `before` (outside every window). */
export async function pruneLoginFailures(db: Db, before: string): Promise<void> {
  await db.deleteFrom('login_failures').where('at', '<', before).execute()
}
