import type { Clock } from '../core/clock.js'
import type { Logger } from '../core/logger.js'
import type { Db } from '../storage/create-db.js'
import { adoptUnhandledMessages, listStaleInstances } from '../storage/fleet.repository.js'
import { whileHoldingInstanceLock } from './instance-lock.js'
import { STALE_AFTER_MS } from './heartbeat.js'

/**
 * Messages a dead instance stored (acknowledged) but never handled are handled here instead: an instance whose
 * heartbeat is a minute old and whose instance lock is free (its process and connection are gone) has its
 * unhandled messages moved to this instance, and this pipeline's replay drafts their suggestions. Replies to them
 * still go out through the dead instance's account (the outbox row waits for it), since only that account is in
 * the group. The lock is held while moving, so a dead instance coming back waits and never replays the same rows.
 */
export function createMessageTakeover(deps: {
  db: Db; clock: Clock; logger: Logger; instanceId: string
  replayUnhandled: () => Promise<number>
  /** Called for each instance found dead (its lock free): e.g. to tell agents its account's sends wait for it. */
  onDead?: (instanceId: string) => Promise<unknown>
  staleAfterMs?: number
}): { run(): Promise<number> } {
  const { db, instanceId } = deps
  const log = deps.logger.child({ component: 'message-takeover' })
  return {
    async run() {
      const staleBefore = new Date(deps.clock().getTime() - (deps.staleAfterMs ?? STALE_AFTER_MS)).toISOString()
      let moved = 0
      for (const dead of await listStaleInstances(db, instanceId, staleBefore)) {
        const count = await whileHoldingInstanceLock(db, dead, (conn) => adoptUnhandledMessages(conn, dead, instanceId))
        if (count === undefined) {
          log.warn({ instance: dead }, 'an instance with a stale heartbeat still holds its lock: left alone')
          continue
        }
        if (count > 0) log.warn({ instance: dead, count }, 'took over messages a dead instance left unhandled')
        moved += count
        await deps.onDead?.(dead)
      }
      if (moved > 0) await deps.replayUnhandled()
      return moved
    },
  }
}
