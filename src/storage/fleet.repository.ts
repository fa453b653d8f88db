import { sql } from 'kysely'
import type { Db } from './create-db.js'
import { isPostgres } from './dialect.js'
import { INSTANCE_LOCK } from './locks.js'

/** Records that this instance is alive (and when it started, the first time). */
export async function heartbeatInstance(db: Db, instanceId: string, at: string, started = false): Promise<void> {
  await db.insertInto('instances').values({ instance_id: instanceId, started_at: at, heartbeat_at: at, stopped_at: null })
    .onConflict((oc) => oc.column('instance_id').doUpdateSet(started ? { started_at: at, heartbeat_at: at, stopped_at: null } : { heartbeat_at: at, stopped_at: null }))
    .execute()
}

export async function markInstanceStopped(db: Db, instanceId: string, at: string): Promise<void> {
  await db.updateTable('instances').set({ stopped_at: at }).where('instance_id', '=', instanceId).execute()
}

export async function findInstance(db: Db, instanceId: string) {
  return db.selectFrom('instances').selectAll().where('instance_id', '=', instanceId).executeTakeFirst()
}

export async function listInstances(db: Db) {
  return db.selectFrom('instances').selectAll().orderBy('instance_id').execute()
}

/** This instance's account is in the group: sends there go through it. Writes only when the owner changes. */
export async function claimGroup(db: Db, groupId: string, instanceId: string, at: string): Promise<void> {
  await db.insertInto('group_owners').values({ group_id: groupId, instance_id: instanceId, updated_at: at })
    .onConflict((oc) => oc.column('group_id').doUpdateSet({ instance_id: instanceId, updated_at: at }).where('group_owners.instance_id', '!=', instanceId))
    .execute()
}

export async function findGroupOwner(db: Db, groupId: string): Promise<string | undefined> {
  return (await db.selectFrom('group_owners').select('instance_id').where('group_id', '=', groupId).executeTakeFirst())?.instance_id
}

/** Claims one scheduled run of a job; false when another instance already has it. */
export async function claimJobRun(db: Db, job: string, slot: string, instanceId: string, at: string): Promise<boolean> {
  const result = await db.insertInto('job_runs').values({ job, slot, instance_id: instanceId, started_at: at, finished_at: null, error: null })
    .onConflict((oc) => oc.columns(['job', 'slot']).doNothing()).executeTakeFirst()
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0
}

export async function finishJobRun(db: Db, job: string, slot: string, at: string, error: string | null): Promise<void> {
  await db.updateTable('job_runs').set({ finished_at: at, error }).where('job', '=', job).where('slot', '=', slot).execute()
}

/**
 * Runs of fleet-wide jobs claimed by an instance whose heartbeat stopped before the run finished (or that stopped):
 * the process died mid-run, or is cut off. The caller checks the instance lock before taking one over.
 */
export async function listAbandonedRuns(db: Db, jobs: readonly string[], instanceId: string, staleBefore: string): Promise<Array<{ job: string; slot: string; instance_id: string }>> {
  if (jobs.length === 0) return []
  return db.selectFrom('job_runs as r')
    .innerJoin('instances as i', 'i.instance_id', 'r.instance_id')
    .select(['r.job', 'r.slot', 'r.instance_id'])
    .where('r.job', 'in', [...jobs]).where('r.finished_at', 'is', null).where('r.instance_id', '!=', instanceId)
    .where((eb) => eb.or([eb('i.heartbeat_at', '<', staleBefore), eb('i.stopped_at', 'is not', null)]))
    .execute()
}

/** Moves an unfinished run's claim from `from` to `to` (to run it again there); false when it moved or finished meanwhile. */
export async function moveJobRun(db: Db, run: { job: string; slot: string }, from: string, to: string, at: string): Promise<boolean> {
  const moved = await db.updateTable('job_runs').set({ instance_id: to, started_at: at })
    .where('job', '=', run.job).where('slot', '=', run.slot).where('instance_id', '=', from).where('finished_at', 'is', null)
    .executeTakeFirst()
  return Number(moved.numUpdatedRows) > 0
}

/** Wakes the instances listening on `channel` once the surrounding transaction commits (PostgreSQL; no-op on SQLite). */
export async function notifyInstances(db: Db, channel: string, payload: string): Promise<void> {
  if (isPostgres(db)) await sql`SELECT pg_notify(${channel}, ${payload})`.execute(db)
}

/** Instances other than `instanceId` whose heartbeat is older than `staleBefore`: stopped, dead, or cut off. */
export async function listStaleInstances(db: Db, instanceId: string, staleBefore: string): Promise<string[]> {
  const rows = await db.selectFrom('instances').select('instance_id')
    .where('instance_id', '!=', instanceId).where('heartbeat_at', '<', staleBefore).orderBy('instance_id').execute()
  return rows.map((r) => r.instance_id)
}

/** Moves instance `from`'s stored, never-handled messages to `to`, whose replay then takes them; how many. */
export async function adoptUnhandledMessages(db: Db, from: string, to: string): Promise<number> {
  const result = await db.updateTable('messages').set({ instance_id: to })
    .where('instance_id', '=', from).where('status', '=', 'received').executeTakeFirst()
  return Number(result.numUpdatedRows)
}

/** The instances whose lock some process holds right now, i.e. running (PostgreSQL; empty on SQLite). */
export async function heldInstanceLocks(db: Db): Promise<Set<string>> {
  if (!isPostgres(db)) return new Set()
  const rows = await sql<{ instance_id: string }>`SELECT i.instance_id FROM instances i WHERE ${INSTANCE_LOCK.isHeld(sql.ref('i.instance_id'))}`.execute(db)
  return new Set(rows.rows.map((r) => r.instance_id))
}

/** Whether a process holds instance `instanceId`'s lock, i.e. it runs (PostgreSQL; false on SQLite). */
export async function isInstanceLockHeld(db: Db, instanceId: string): Promise<boolean> {
  if (!isPostgres(db)) return false
  const { rows } = await sql<{ held: boolean }>`SELECT ${INSTANCE_LOCK.isHeld(sql.val(instanceId))} AS held`.execute(db)
  return rows[0]?.held === true
}

export interface InstanceOverview {
  instanceId: string
  startedAt: string
  heartbeatAt: string
  stoppedAt: string | null
  /** Groups whose sends go through this instance's account. */
  groups: number
  /** Sends waiting for this instance's account. */
  queued: number
  /** Messages it stored and has not handled yet. */
  unhandled: number
  /** PostgreSQL: whether a process holds the instance's lock right now (undefined on SQLite). */
  locked: boolean | undefined
}

/** Every instance the database knows, with what waits on it: for `qundesk instances`. */
export async function fleetOverview(db: Db): Promise<InstanceOverview[]> {
  const instances = await listInstances(db)
  const count = async (query: Promise<Array<{ id: string | null; n: number | string | bigint }>>) => new Map((await query).map((r) => [r.id, Number(r.n)]))
  const groups = await count(db.selectFrom('group_owners').select((eb) => ['instance_id as id', eb.fn.countAll<number>().as('n')]).groupBy('instance_id').execute())
  const queued = await count(db.selectFrom('outbox').select((eb) => ['instance_id as id', eb.fn.countAll<number>().as('n')]).where('status', 'in', ['queued', 'sending']).groupBy('instance_id').execute())
  const unhandled = await count(db.selectFrom('messages').select((eb) => ['instance_id as id', eb.fn.countAll<number>().as('n')]).where('status', '=', 'received').groupBy('instance_id').execute())
  const locked = await heldInstanceLocks(db)
  return instances.map((i) => ({
    instanceId: i.instance_id, startedAt: i.started_at, heartbeatAt: i.heartbeat_at, stoppedAt: i.stopped_at,
    groups: groups.get(i.instance_id) ?? 0, queued: queued.get(i.instance_id) ?? 0, unhandled: unhandled.get(i.instance_id) ?? 0,
    locked: isPostgres(db) ? locked.has(i.instance_id) : undefined,
  }))
}
