import type { Clock } from '../core/clock.js'
import type { Db } from '../storage/create-db.js'
import { claimGroup } from '../storage/fleet.repository.js'

export interface GroupClaims {
  /** Records that this instance's account is in `groupId` (once per process; later calls are free). */
  claim(groupId: string): Promise<void>
}

/**
 * The groups this instance's account is in: sends there are its own (outbox rows carry the owner), so an approval
 * made on any instance is sent by this one. Claimed as the account shows it is in a group: a message, a membership
 * event or a roster sync.
 *
 * @example
 * const claims = createGroupClaims({ db, clock, instanceId: 'a' })
 * await claims.claim('r1@chatroom')
 */
export function createGroupClaims(deps: { db: Db; clock: Clock; instanceId: string }): GroupClaims {
  const claimed = new Set<string>()
  return {
    async claim(groupId) {
      if (claimed.has(groupId)) return
      await claimGroup(deps.db, groupId, deps.instanceId, deps.clock().toISOString())
      claimed.add(groupId)
    },
  }
}
