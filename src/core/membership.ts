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

/** Everyone in a group right now (a member sync): who is there, not when they came. */
export interface GroupRoster {
  channel: string
  groupId: string
  groupName: string
  members: GroupMemberRef[]
}
