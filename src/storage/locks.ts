import { sql, type RawBuilder } from 'kysely'
import type { Db } from './create-db.js'
import { isPostgres } from './dialect.js'

/**
 * PostgreSQL advisory lock keys, one per thing that must happen one at a time across every QunDesk process sharing
 * the database. SQLite needs none: it has one writer, and its transactions already run one at a time.
 */
export const LOCK = {
  /** Appending to the audit hash chain: read the last hash and insert the next entry with nobody in between. */
  auditChain: 0x5144_0001,
  /** Replacing a day's tag counts (delete, then insert). */
  tagCounts: 0x5144_0003,
  /** With hashtext(instance id) as the second key: held by a running instance for its lifetime (instance-lock.ts). */
  instance: 0x5144_0002,
} as const

/** Holds `key` until the surrounding transaction ends (no-op on SQLite). Call first thing inside the transaction. */
export async function lockForTransaction(trx: Db, key: number): Promise<void> {
  if (isPostgres(trx)) await sql`SELECT pg_advisory_xact_lock(${key})`.execute(trx)
}

/**
 * The instance lock, (LOCK.instance, hashtext(instance id)), spelled once. Statements take [LOCK.instance, id] as
 * parameters, so both a pg client and a kysely connection can run them.
 */
export const INSTANCE_LOCK = {
  tryLock: 'SELECT pg_try_advisory_lock($1, hashtext($2)) AS locked',
  unlock: 'SELECT pg_advisory_unlock($1, hashtext($2))',
  params: (instanceId: string): [number, string] => [LOCK.instance, instanceId],
  /** True when some session holds instance `id`'s lock; pg_locks shows hashtext's int4 as an (unsigned) oid. */
  isHeld: (id: RawBuilder<unknown>) => sql<boolean>`EXISTS (SELECT 1 FROM pg_locks l WHERE l.locktype = 'advisory' AND l.granted
    AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
    AND l.classid = ${LOCK.instance}::int4::oid AND l.objid = hashtext(${id})::oid AND l.objsubid = 2)`,
} as const
