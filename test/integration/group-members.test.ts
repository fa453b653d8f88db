import { afterEach, describe, expect, it } from 'vitest'
import { makeWorkdir, startTestApp, waitFor, type TestApp } from './test-context.js'

let t: TestApp | undefined
afterEach(async () => {
  await t?.stop()
  t = undefined
})

describe('group membership facts', () => {
  it('syncs the members already in a group at start, with estimated join times, and never lists the bot', async () => {
    t = await startTestApp(await makeWorkdir())
    const rows = await waitFor(async () => {
      const list = await t!.app.members.group(t!.world.room.id)
      return list.length === 2 ? list : undefined
    })
    expect(rows.map((r) => [r.memberName, r.joinedAtEstimated, r.joinSource, r.leftAt]).sort()).toEqual([['张三', true, 'sync', null], ['李四', true, 'sync', null]])
  })

  it('records a room-join with the event time and the inviter, and a room-leave', async () => {
    t = await startTestApp(await makeWorkdir())
    await waitFor(async () => (await t!.app.members.group(t!.world.room.id)).length === 2)
    const carol = t.world.mocker.createContact({ name: '王五' })
    t.world.room.add(carol).by(t.world.alice)
    const joined = await waitFor(async () => (await t!.app.members.member(carol.id))[0])
    expect(joined).toMatchObject({ memberName: '王五', joinedAtEstimated: false, joinSource: 'event', invitedBy: t.world.alice.id, leftAt: null })

    t.world.room.remove(t.world.bob).by(t.world.alice)
    const left = await waitFor(async () => (await t!.app.members.member(t!.world.bob.id)).find((m) => m.leftAt !== null))
    expect(left).toMatchObject({ memberName: '李四', leftAtEstimated: false, joinedAtEstimated: true })
  })

  it('reconciles: a member missing from a sync is marked left (estimated), and back again when seen', async () => {
    t = await startTestApp(await makeWorkdir())
    await waitFor(async () => (await t!.app.members.group(t!.world.room.id)).length === 2)
    const roster = { channel: 'wechaty', groupId: t.world.room.id, groupName: 'VIP客户群' }
    expect(await t.app.members.syncRoster({ ...roster, members: [{ id: t.world.bob.id, name: '李四' }] })).toEqual({ added: 0, left: 1 })
    expect((await t.app.members.member(t.world.alice.id))[0]).toMatchObject({ leftAtEstimated: true })
    expect(await t.app.members.syncRoster({ ...roster, members: [{ id: t.world.bob.id, name: '李四' }, { id: t.world.alice.id, name: '张三' }] })).toEqual({ added: 1, left: 0 })
    const back = (await t.app.members.member(t.world.alice.id))[0]!
    expect(back).toMatchObject({ leftAt: null, joinedAtEstimated: true })
  })

  it('lets an exact join event sharpen an estimated join time', async () => {
    t = await startTestApp(await makeWorkdir())
    const before = await waitFor(async () => (await t!.app.members.member(t!.world.alice.id))[0])
    const at = new Date(Date.parse(before.joinedAt) - 86_400_000)
    await t.app.members.record({ kind: 'join', channel: 'wecom', groupId: t.world.room.id, groupName: 'VIP客户群', members: [{ id: t.world.alice.id, name: '张三' }], at })
    expect((await t.app.members.member(t.world.alice.id))[0]).toMatchObject({ joinedAt: at.toISOString(), joinedAtEstimated: false, joinSource: 'event' })
  })
})
