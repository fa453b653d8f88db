import type { GroupRoster } from '../core/membership.js'
import type { Logger } from '../core/logger.js'
import type { MemberService } from './member-service.js'

/**
 * Reconciles memberships with the groups' current rosters: joins and leaves missed while the process was down or
 * the connection dropped are recorded; each group seen is claimed for this instance first.
 *
 * @example
 * await syncRosters({ rosters: () => channel.rosters(), claim: claims.claim, members, logger })
 */
export async function syncRosters(deps: {
  rosters: () => Promise<GroupRoster[]>
  claim: (groupId: string) => Promise<void>
  members: Pick<MemberService, 'syncRoster'>
  logger: Logger
}): Promise<void> {
  for (const roster of await deps.rosters()) {
    await deps.claim(roster.groupId)
    const { added, left } = await deps.members.syncRoster(roster)
    if (added || left) deps.logger.info({ groupId: roster.groupId, added, left }, 'member sync')
  }
}
