import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createWechatyChannel, type WechatyChannel } from '../../src/channels/wechaty/wechaty-channel.js'
import { createLogger, type Logger } from '../../src/core/logger.js'
import { mapBounded } from '../../src/core/map-bounded.js'
import type { GroupRoster } from '../../src/core/membership.js'
import { createMemberService, type MemberService } from '../../src/members/member-service.js'
import { syncRosters } from '../../src/members/sync-rosters.js'
import type { Db } from '../../src/storage/create-db.js'
import { createTestDb } from '../support/test-database.js'
import { createMockWorld, type MockWorld } from './test-context.js'

const silent = createLogger({ level: 'silent' })
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('member sync over streamed rosters (storage)', () => {
  let db: Db
  let now: Date
  let members: MemberService
  beforeEach(async () => {
    db = await createTestDb()
    now = new Date('2026-11-01T02:00:00.000Z')
    members = createMemberService({ db, clock: () => now, logger: silent })
  })
  afterEach(async () => {
    await db.destroy()
  })

  const roster = (groupId: string, ids: string[], groupName = `群${groupId}`): GroupRoster => ({
    channel: 'wechaty', groupId, groupName, members: ids.map((id) => ({ id, name: `成员${id}` })),
  })
  /** A channel's rosters() as the Wechaty channel gives them: one at a time, asynchronously. */
  async function* stream(rosters: GroupRoster[]): AsyncGenerator<GroupRoster> {
    for (const r of rosters) {
      await sleep(1)
      yield r
    }
  }
  const sync = async (rosters: GroupRoster[]) => {
    const changed: Array<[string, string[]]> = []
    const claimed: string[] = []
    const totals = await syncRosters({
      rosters: () => stream(rosters), claim: async (groupId) => { claimed.push(groupId) }, members, logger: silent,
      changed: (groupId, ids) => changed.push([groupId, [...ids].sort()]),
    })
    return { totals, changed, claimed }
  }
  const rows = () => db.selectFrom('group_members').select(['group_id', 'member_id', 'member_name', 'group_name', 'updated_at', 'left_at', 'left_at_estimated', 'joined_at_estimated', 'join_source']).orderBy('group_id').orderBy('member_id').execute()

  it('stores every roster with estimated joins, claiming each group first, and reports the changes once per group', async () => {
    const first = await sync([roster('g1', ['a', 'b', 'c']), roster('g2', ['a', 'd'])])
    expect(first.totals).toEqual({ groups: 2, added: 5, left: 0 })
    expect(first.claimed).toEqual(['g1', 'g2'])
    expect(first.changed).toEqual([['g1', ['a', 'b', 'c']], ['g2', ['a', 'd']]])
    const stored = await rows()
    expect(stored).toHaveLength(5)
    for (const r of stored) expect(r).toMatchObject({ joined_at_estimated: 1, join_source: 'sync', left_at: null, updated_at: now.toISOString() })
  })

  it('writes nothing on a second sync of unchanged rosters', async () => {
    const rosters = [roster('g1', ['a', 'b', 'c']), roster('g2', ['a', 'd'])]
    await sync(rosters)
    const before = await rows()
    now = new Date(now.getTime() + 3_600_000)
    const again = await sync(rosters)
    expect(again.totals).toEqual({ groups: 2, added: 0, left: 0 })
    expect(again.changed).toEqual([])
    expect(again.claimed).toEqual(['g1', 'g2'])
    expect(await rows()).toEqual(before) // updated_at included: no row was written
  })

  it('finds joins, leaves, returns and renames in a streamed sync, and writes only those rows', async () => {
    await sync([roster('g1', ['a', 'b', 'c']), roster('g2', ['a', 'd'])])
    now = new Date(now.getTime() + 3_600_000)
    const later = now.toISOString()
    const second = await sync([
      roster('g1', ['a', 'c', 'e']), // b left, e joined
      { ...roster('g2', ['a', 'd']), members: [{ id: 'a', name: '成员a' }, { id: 'd', name: '新名字' }] }, // d renamed
    ])
    expect(second.totals).toEqual({ groups: 2, added: 1, left: 1 })
    expect(second.changed).toEqual([['g1', ['b', 'e']], ['g2', ['d']]])
    const byKey = new Map((await rows()).map((r) => [`${r.group_id}/${r.member_id}`, r]))
    expect(byKey.get('g1/b')).toMatchObject({ left_at: later, left_at_estimated: 1, updated_at: later })
    expect(byKey.get('g1/e')).toMatchObject({ left_at: null, joined_at_estimated: 1, updated_at: later })
    expect(byKey.get('g2/d')).toMatchObject({ member_name: '新名字', updated_at: later })
    expect(byKey.get('g1/a')?.updated_at).not.toBe(later)

    // b is back: the estimated leave was a guess, the membership goes on.
    now = new Date(now.getTime() + 3_600_000)
    const third = await sync([roster('g1', ['a', 'b', 'c', 'e']), { ...roster('g2', []), members: [{ id: 'a', name: '成员a' }, { id: 'd', name: '新名字' }] }])
    expect(third.totals).toEqual({ groups: 2, added: 1, left: 0 })
    expect(third.changed).toEqual([['g1', ['b']]])
    expect((await members.member('b'))[0]).toMatchObject({ leftAt: null, joinedAtEstimated: true })
  })

  it('stores a large group in one roster (batched writes)', async () => {
    const ids = Array.from({ length: 1_234 }, (_, i) => `m${i}`)
    expect((await sync([roster('big', ids)])).totals).toEqual({ groups: 1, added: 1_234, left: 0 })
    expect((await sync([roster('big', ids.slice(0, 600))])).totals).toEqual({ groups: 1, added: 0, left: 634 })
    expect(await members.group('big')).toHaveLength(1_234)
  })

  it('keeps the groups synced before a stream fails (the puppet dropped mid-sync)', async () => {
    async function* dropping(): AsyncGenerator<GroupRoster> {
      yield roster('g1', ['a', 'b'])
      throw new Error('14 UNAVAILABLE: Connection dropped')
    }
    await expect(syncRosters({ rosters: dropping, claim: async () => undefined, members, logger: silent })).rejects.toThrow(/UNAVAILABLE/)
    expect((await members.group('g1')).map((m) => m.memberId).sort()).toEqual(['a', 'b'])
  })
})

describe('mapBounded', () => {
  it('never has more than N tasks in flight, counting results not yet taken, and yields every result', async () => {
    let inFlight = 0
    let most = 0
    const seen: number[] = []
    const items = Array.from({ length: 40 }, (_, i) => i)
    for await (const v of mapBounded(items, 4, async (i) => {
      inFlight += 1
      most = Math.max(most, inFlight)
      await sleep(i % 3)
      return i
    })) {
      await sleep(2) // a slow consumer: the limit holds the fetching back
      seen.push(v)
      inFlight -= 1
    }
    expect(most).toBeLessThanOrEqual(4)
    expect(most).toBeGreaterThan(1)
    expect(seen.sort((a, b) => a - b)).toEqual(items)
  })

  it('ends with the first error once the started tasks settled, and starts no more', async () => {
    let started = 0
    const run = async () => {
      const got: number[] = []
      for await (const v of mapBounded([0, 1, 2, 3, 4, 5, 6, 7], 2, async (i) => {
        started += 1
        await sleep(1)
        if (i === 2) throw new Error('boom')
        return i
      })) got.push(v)
      return got
    }
    await expect(run()).rejects.toThrow('boom')
    expect(started).toBeLessThan(8)
  })
})

describe('the Wechaty channel streams rosters', () => {
  let world: MockWorld
  let channel: WechatyChannel
  let warnings: Array<{ groupId?: string; msg: string }>
  afterEach(async () => {
    await channel?.stop()
  })

  async function start(options: { rooms: number; concurrency: number }) {
    world = createMockWorld()
    for (let r = 0; r < options.rooms; r++) {
      const people = Array.from({ length: 5 }, (_, m) => world.mocker.createContact({ name: `客户${r}-${m}` }))
      world.mocker.createRoom({ topic: `群${r}`, memberIdList: [world.me.id, ...people.map((p) => p.id)] })
    }
    warnings = []
    const logger = {
      child: () => logger, info: () => undefined, debug: () => undefined, error: () => undefined, trace: () => undefined, fatal: () => undefined,
      warn: (obj: { groupId?: string }, msg: string) => { warnings.push({ groupId: obj?.groupId, msg }) },
    } as unknown as Logger
    channel = createWechatyChannel({ puppet: world.puppet, logger, rosterConcurrency: options.concurrency })
    await channel.start(async () => undefined)
    world.login()
    for (let i = 0; i < 200 && !channel.isLoggedIn(); i++) await sleep(10)
    expect(channel.isLoggedIn()).toBe(true)
  }

  it('lists every group (not the bot) with its topic and names, never more than N groups in flight; a failing group is skipped with a warning', async () => {
    await start({ rooms: 12, concurrency: 3 })
    const puppet = world.puppet
    const failing = (await puppet.roomList()).find((id) => id !== world.room.id)!
    let inFlight = 0
    let most = 0
    const roomMemberList = puppet.roomMemberList.bind(puppet)
    puppet.roomMemberList = async (roomId: string) => {
      inFlight += 1
      most = Math.max(most, inFlight)
      await sleep(5)
      if (roomId === failing) {
        inFlight -= 1
        throw new Error('the puppet cannot list this room')
      }
      return roomMemberList(roomId)
    }
    const rosters: GroupRoster[] = []
    for await (const r of channel.rosters()) {
      rosters.push(r)
      await sleep(3) // storing: the listing waits for it
      inFlight -= 1
    }
    expect(most).toBeLessThanOrEqual(3)
    expect(rosters).toHaveLength(12) // 12 rooms + the world's own, less the failing one
    expect(rosters.some((r) => r.groupId === failing)).toBe(false)
    expect(warnings).toEqual([{ groupId: failing, msg: 'could not list the members of a group' }])
    const vip = rosters.find((r) => r.groupId === world.room.id)!
    expect(vip).toMatchObject({ channel: 'wechaty', groupName: 'VIP客户群' })
    expect(vip.members.map((m) => m.name).sort()).toEqual(['张三', '李四'])
    for (const r of rosters) {
      expect(r.members.some((m) => m.id === world.me.id)).toBe(false)
      if (r.groupId !== world.room.id) expect(r.members).toHaveLength(5)
    }
  })
})
