import { afterEach, describe, expect, it } from 'vitest'
import { types } from 'wechaty'
import { makeWorkdir, startTestApp, waitFor, type TestApp } from './test-context.js'

let t: TestApp | undefined
afterEach(async () => {
  await t?.stop()
  t = undefined
})

/** The mock puppet gives no group aliases: give it some, and count how often each member's is asked for. */
function withGroupAliases(t: TestApp, aliases: Map<string, string>): Map<string, number> {
  const reads = new Map<string, number>()
  const puppet = t.world.puppet as unknown as { roomMemberRawPayload(roomId: string, id: string): Promise<Record<string, unknown>> }
  const raw = puppet.roomMemberRawPayload.bind(puppet)
  puppet.roomMemberRawPayload = async (roomId, id) => {
    reads.set(id, (reads.get(id) ?? 0) + 1)
    return { ...(await raw(roomId, id)), roomAlias: aliases.get(id) ?? '' }
  }
  return reads
}

describe('group aliases (群昵称) of senders', () => {
  it('names the sender by their group alias, asks the puppet once per member, and again after it says the room changed', async () => {
    t = await startTestApp(await makeWorkdir())
    const { world } = t
    const aliases = new Map([[world.alice.id, '张三·上海']])
    const reads = withGroupAliases(t, aliases)

    world.ask(world.alice, '我的快递到哪了')
    world.ask(world.alice, '能开发票吗')
    world.ask(world.bob, '能开发票吗')
    const first = await waitFor(async () => { const list = await t!.app.suggestions.list(); return list.length === 3 ? list : undefined })
    expect(first.map((s) => s.memberName).sort()).toEqual(['张三·上海', '张三·上海', '李四'].sort())
    expect(reads.get(world.alice.id)).toBe(1)

    // The alias changes; the puppet marks the room's members dirty, as puppets do when they learn of it.
    aliases.set(world.alice.id, '张三·北京')
    world.puppet.emit('dirty', { payloadType: types.Dirty.RoomMember, payloadId: world.room.id })
    world.ask(world.alice, '怎么退货')
    const latest = await waitFor(async () => (await t!.app.suggestions.list()).find((s) => s.question === '怎么退货'))
    expect(latest.memberName).toBe('张三·北京')
    expect(reads.get(world.alice.id)).toBe(2)
  })
})
