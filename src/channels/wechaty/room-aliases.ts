import { types } from 'wechaty'
import type * as PUPPET from 'wechaty-puppet'

/** Rooms whose aliases are remembered at once; the least recently asked room is dropped beyond it. */
export const ROOM_ALIASES_MAX_ROOMS = 5000

export interface RoomAliases {
  /** The member's alias in the room (群昵称), or undefined when they set none. */
  alias(roomId: string, memberId: string): Promise<string | undefined>
  /** Stops listening to the puppet. */
  stop(): void
}

/**
 * Group aliases as `room.alias(contact)` gives them, remembered per room until the puppet says the room's members
 * changed (its 'dirty' event, a join or a leave) or logs in again (what changed while offline was not told). Every message reads two (the bot's, for the @ search, and the
 * sender's), and the puppets' own caches do not hold them: wechaty-puppet 1.20's room-member cache stores each
 * payload under the literal key 'memberId', so it never hits, and wechaty-puppet-service 1.19 then reads (and on a
 * miss rewrites) the whole room's member map in its LevelDB store, or asks the service (2026-12-03, issue 19:
 * ~7% of a burst's CPU, a gRPC round trip for each sender's first message).
 *
 * @example
 * const aliases = createRoomAliases(puppet)
 * const name = (await aliases.alias(room.id, talker.id)) || talker.name()
 */
export function createRoomAliases(puppet: PUPPET.impls.PuppetInterface, maxRooms = ROOM_ALIASES_MAX_ROOMS): RoomAliases {
  // roomId -> memberId -> the alias being read or read ('' for none). Map order is the recency order.
  const rooms = new Map<string, Map<string, Promise<string>>>()
  const forget = (roomId: string) => { rooms.delete(roomId) }
  const onDirty = ({ payloadType, payloadId }: PUPPET.payloads.EventDirty) => {
    if (payloadType === types.Dirty.RoomMember || payloadType === types.Dirty.Room) forget(payloadId)
  }
  const onMembers = ({ roomId }: { roomId: string }) => forget(roomId)
  const onLogin = () => rooms.clear()
  puppet.on('dirty', onDirty)
  puppet.on('room-join', onMembers)
  puppet.on('room-leave', onMembers)
  puppet.on('login', onLogin)
  return {
    async alias(roomId, memberId) {
      let members = rooms.get(roomId)
      if (members) {
        rooms.delete(roomId)
        rooms.set(roomId, members)
      } else {
        members = new Map()
        rooms.set(roomId, members)
        if (rooms.size > maxRooms) rooms.delete(rooms.keys().next().value!)
      }
      let read = members.get(memberId)
      if (!read) {
        read = puppet.roomMemberPayload(roomId, memberId).then((payload) => payload.roomAlias || '')
        members.set(memberId, read)
        // A failed read is not remembered: the next message asks again.
        const own = members
        read.catch(() => { if (own.get(memberId) === read) own.delete(memberId) })
      }
      return (await read) || undefined
    },
    stop() {
      puppet.off('dirty', onDirty)
      puppet.off('room-join', onMembers)
      puppet.off('room-leave', onMembers)
      puppet.off('login', onLogin)
      rooms.clear()
    },
  }
}
