import type { Clock } from '../core/clock.js'
import type { Logger } from '../core/logger.js'
import type { Db } from '../storage/create-db.js'
import { heartbeatInstance, markInstanceStopped } from '../storage/fleet.repository.js'

export const HEARTBEAT_MS = 10_000
/** An instance whose heartbeat is older than this is taken to be gone (six missed beats). */
export const STALE_AFTER_MS = 60_000

/**
 * Tells the other instances this one is alive: a heartbeat row every 10 s, and `stopped_at` on a clean stop. The
 * others take over scheduled runs it left unfinished once the heartbeat is a minute old (see job-claims.ts).
 */
export async function startHeartbeat(deps: { db: Db; clock: Clock; logger: Logger; instanceId: string; intervalMs?: number }): Promise<() => Promise<void>> {
  const { db, clock, instanceId } = deps
  await heartbeatInstance(db, instanceId, clock().toISOString(), true)
  const timer = setInterval(() => {
    heartbeatInstance(db, instanceId, clock().toISOString()).catch((error: unknown) => deps.logger.warn({ err: error }, 'heartbeat failed'))
  }, deps.intervalMs ?? HEARTBEAT_MS)
  timer.unref()
  return async () => {
    clearInterval(timer)
    await markInstanceStopped(db, instanceId, clock().toISOString())
  }
}
