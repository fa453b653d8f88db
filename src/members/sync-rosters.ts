import type { GroupRoster } from '../core/membership.js'
import type { Logger } from '../core/logger.js'
import type { MemberService } from './member-service.js'

/**
 * Reconciles memberships with the groups' current rosters: joins and leaves missed while the process was down or
 * the connection dropped are recorded; each group seen is claimed for this instance first. Rosters are taken one
 * at a time as the channel reads them (a large account is never all in memory); each group is stored in one
 * transaction, so a sync cut short leaves every group either synced or as it was.
 *
 * @example
 * await syncRosters({ rosters: () => channel.rosters(), claim: claims.claim, members, logger })
 */
export async function syncRosters(deps: {
  rosters: () => AsyncIterable<GroupRoster> | Iterable<GroupRoster>
  claim: (groupId: string) => Promise<void>
  members: Pick<MemberService, 'syncRoster'>
  logger: Logger
  /** The members of a group whose rows changed (joins, leaves, renames), once per group: e.g. to re-tag them. */
  changed?: (groupId: string, memberIds: string[]) => void
}): Promise<{ groups: number; added: number; left: number }> {
  const totals = { groups: 0, added: 0, left: 0 }
  const started = Date.now()
  for await (const roster of deps.rosters()) {
    await deps.claim(roster.groupId)
    const changed = deps.changed
    const { added, left } = await deps.members.syncRoster(roster, changed ? (ids) => changed(roster.groupId, ids) : undefined)
    totals.groups += 1
    totals.added += added
    totals.left += left
    if (added || left) deps.logger.info({ groupId: roster.groupId, added, left }, 'member sync')
  }
  deps.logger.info({ ...totals, ms: Date.now() - started }, 'member sync done')
  return totals
}
