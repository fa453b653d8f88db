/** A person in a group, as channels report them. */
export interface GroupMemberRef {
  id: string
  name: string
}

/**
 * Someone joined or left a customer group. `at` is the platform's event time; channels translate their events
 * into this once, at the edge.
 */
export interface MembershipEvent {
  kind: 'join' | 'leave'
  channel: string
  groupId: string
  groupName: string
  members: GroupMemberRef[]
  /** Who invited or removed them, when the platform says. */
  by?: GroupMemberRef | undefined
  at: Date
}

/**
 * Everyone in a group right now (a member sync). Channels that know when each member came (WeCom's
 * groupchat/get join_time) say so in `joinedAt`; otherwise the sync time is recorded as an estimate.
 */
export interface GroupRoster {
  channel: string
  groupId: string
  groupName: string
  members: Array<GroupMemberRef & { joinedAt?: Date; invitedBy?: string; joinScene?: number }>
}
