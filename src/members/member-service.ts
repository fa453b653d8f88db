import type { Clock } from '../core/clock.js'
import type { Logger } from '../core/logger.js'
import type { MembershipBasics } from '../core/member.js'
import type { GroupRoster, MembershipEvent } from '../core/membership.js'
import type { Db } from '../storage/create-db.js'
import { listGroupMembers, listMemberships, markLeft, syncGroupRoster, upsertJoin } from '../storage/group-member.repository.js'
import type { GroupMemberRow } from '../storage/schema.js'

export interface Membership extends MembershipBasics {
  joinSource: string
  invitedBy: string | null
  leftAtEstimated: boolean
}

export interface MemberService {
  /** A join or leave event from a channel: exact times. */
  record(event: MembershipEvent): Promise<void>
  /**
   * A member sync: newcomers get the sync time as an estimated join, members no longer listed an estimated leave.
   * One transaction; members whose row is unchanged are not written. `changed` hears the members written, once.
   */
  syncRoster(roster: GroupRoster, changed?: (memberIds: string[]) => void): Promise<{ added: number; left: number }>
  group(groupId: string): Promise<Membership[]>
  member(memberId: string): Promise<Membership[]>
}

const toMembership = (r: GroupMemberRow): Membership => ({
  groupId: r.group_id, groupName: r.group_name, memberId: r.member_id, memberName: r.member_name, joinedAt: r.joined_at,
  joinedAtEstimated: r.joined_at_estimated === 1, joinSource: r.join_source, invitedBy: r.invited_by, leftAt: r.left_at,
  leftAtEstimated: r.left_at_estimated === 1,
})

/**
 * Who is in which group and since when: join/leave events give exact times, member syncs fill in members who were
 * there before QunDesk (marked estimated). The facts member tagging builds on.
 *
 * @example
 * const members = createMemberService({ db, clock, logger })
 * await members.record({ kind: 'join', channel: 'wechaty', groupId, groupName, members: [{ id, name }], at: new Date() })
 */
export function createMemberService(deps: { db: Db; clock: Clock; logger: Logger }): MemberService {
  const { db, clock } = deps
  return {
    async record(event) {
      const now = clock().toISOString()
      const at = event.at.toISOString()
      for (const m of event.members) {
        if (event.kind === 'join') {
          await upsertJoin(db, { channel: event.channel, groupId: event.groupId, groupName: event.groupName, memberId: m.id, memberName: m.name, joinedAt: at, estimated: false, source: 'event', invitedBy: event.by?.id, now })
        } else {
          await markLeft(db, { channel: event.channel, groupId: event.groupId, groupName: event.groupName, memberId: m.id, memberName: m.name, leftAt: at, estimated: false, now })
        }
      }
      deps.logger.info({ groupId: event.groupId, kind: event.kind, count: event.members.length }, 'group membership changed')
    },
    async syncRoster(roster, changed) {
      const result = await syncGroupRoster(db, {
        channel: roster.channel, groupId: roster.groupId, groupName: roster.groupName, now: clock().toISOString(),
        members: roster.members.map((m) => ({ memberId: m.id, memberName: m.name, joinedAt: m.joinedAt?.toISOString(), invitedBy: m.invitedBy, joinScene: m.joinScene })),
      })
      if (changed && result.changed.length > 0) changed(result.changed)
      return { added: result.added, left: result.left }
    },
    group: async (groupId) => (await listGroupMembers(db, groupId)).map(toMembership),
    member: async (memberId) => (await listMemberships(db, memberId)).map(toMembership),
  }
}
