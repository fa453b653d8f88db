import type { EventEmitter } from 'node:events'
import { afterEach, describe, expect, it } from 'vitest'
import { types } from 'wechaty-puppet'
import type { mock } from 'wechaty-puppet-mock'
import { loadConfig } from '../../src/config/load-config.js'
import { startQunDesk, type QunDesk } from '../../src/main.js'
import { recordAnnouncedMessages } from '../../src/storage/announced-message.repository.js'
import { captureLog } from '../support/wecom-test-kit.js'
import { BOT_NAME, createMockWorld, makeWorkdir, startTestApp, testEnv, waitFor, withWorkdirDb, type MockWorld, type TestApp } from './test-context.js'

let t: TestApp | undefined
let app: QunDesk | undefined
afterEach(async () => {
  await t?.stop()
  await app?.stop()
  t = undefined
  app = undefined
})

/** A customer's @-mention the account received (the puppet holds its payload) but that was never announced to this process. */
function receivedButNotAnnounced(world: MockWorld, customer: mock.ContactMock, question: string): string {
  const message = world.mocker.MessageMock.create({
    id: `unannounced-${Math.random().toString(36).slice(2)}`, talkerId: customer.id, roomId: world.room.id, timestamp: Date.now(),
    type: types.Message.Text, text: `@${BOT_NAME}\u2005${question}`, mentionIdList: [world.me.id],
  })
  return message.id
}

const announcedIds = (work: Parameters<typeof withWorkdirDb>[0]) =>
  withWorkdirDb(work, async (db) => (await db.selectFrom('announced_messages').select('message_id').execute()).map((r) => r.message_id))

describe('message ids recorded as the puppet announces them', () => {
  it('reads a message announced to a run that died before storing it at the next start, and answers it once although it also arrives live', async () => {
    const work = await makeWorkdir()
    const world = createMockWorld()
    const questions = ['我的快递到哪了', '能开发票吗', '你们几点上班', '退款多久到', '客服几点下班']
    const ids = questions.map((q, i) => receivedButNotAnnounced(world, i % 2 ? world.bob : world.alice, q))
    // What a process killed after the announcements and before the stored rows leaves behind.
    await withWorkdirDb(work, (db) => recordAnnouncedMessages(db, 'default', 'wechaty', ids, new Date().toISOString()))
    // The puppet announces the same messages again as the account comes back (as puppets may after a reconnect):
    // they arrive live while the replay of the same ids runs.
    world.puppet.once('ready', () => { for (const id of ids) world.puppet.emit('message', { messageId: id }) })

    t = await startTestApp(work, { world })
    await waitFor(async () => (await t!.app.suggestions.list()).length >= ids.length && (await announcedIds(work)).length === 0)
    await new Promise((r) => setTimeout(r, 300))

    const stored = await withWorkdirDb(work, (db) => db.selectFrom('messages').select(['id', 'status']).where('from_self', '=', 0).execute())
    expect(stored.map((m) => m.id).sort()).toEqual(ids.map((id) => `wechaty:${id}`).sort())
    expect(stored.every((m) => m.status === 'handled')).toBe(true)
    const suggestions = await t.app.suggestions.list()
    expect(suggestions.map((s) => s.messageId).sort()).toEqual(ids.map((id) => `wechaty:${id}`).sort())
    expect(await announcedIds(work)).toEqual([])
  })

  it('forgets each id once its message is stored or skipped, so the table holds only what is in hand', async () => {
    const work = await makeWorkdir()
    t = await startTestApp(work)
    const answered: string[] = []
    ;(t.world.room as unknown as EventEmitter).on('message', (m: mock.MessageMock) => { if (m.payload.talkerId === t!.world.me.id) answered.push(m.id) })
    t.world.ask(t.world.alice, '我的快递到哪了')
    t.world.bob.say('大家好').to(t.world.room) // not for the bot: stored, no suggestion
    t.world.alice.say('私聊一下').to(t.world.me) // a one-to-one chat: skipped on purpose
    await waitFor(async () => (await t!.app.suggestions.list()).length === 1)
    await waitFor(async () => (await announcedIds(work)).length === 0)
    expect(await announcedIds(work)).toEqual([])
  })

  it('logs an announced id the puppet can no longer give, with its id, and forgets it', async () => {
    const work = await makeWorkdir()
    await withWorkdirDb(work, (db) => recordAnnouncedMessages(db, 'default', 'wechaty', ['gone-from-the-puppet'], new Date().toISOString()))
    const log = captureLog()
    const world = createMockWorld()
    app = await startQunDesk(loadConfig(testEnv(work, { QUNDESK_LOG_LEVEL: 'info' })), { puppet: world.puppet, logger: log.logger })
    world.login()
    await waitFor(async () => (await announcedIds(work)).length === 0)
    const lines = log.lines() as Array<{ msg: string; messageId?: string; read?: number; gone?: number }>
    expect(lines.find((l) => l.msg.startsWith('the puppet can no longer give'))?.messageId).toBe('wechaty:gone-from-the-puppet')
    await waitFor(() => log.lines().some((l) => (l as { msg: string }).msg.startsWith('read again the messages announced')))
    expect(lines.concat(log.lines() as typeof lines).find((l) => l.msg.startsWith('read again'))).toMatchObject({ read: 0, gone: 1 })
  })

  it('replays only the ids its own instance announced: another instance\'s puppet holds those', async () => {
    const work = await makeWorkdir()
    const world = createMockWorld()
    const [mine, theirs] = [receivedButNotAnnounced(world, world.alice, '我的快递到哪了'), receivedButNotAnnounced(world, world.bob, '能开发票吗')]
    await withWorkdirDb(work, async (db) => {
      await recordAnnouncedMessages(db, 'default', 'wechaty', [mine], new Date().toISOString())
      await recordAnnouncedMessages(db, 'other-instance', 'wechaty', [theirs], new Date().toISOString())
    })
    t = await startTestApp(work, { world })
    await waitFor(async () => (await announcedIds(work)).length === 1)
    await waitFor(async () => (await t!.app.suggestions.list()).length === 1)
    expect((await t.app.suggestions.list()).map((s) => s.messageId)).toEqual([`wechaty:${mine}`])
    expect(await announcedIds(work)).toEqual([theirs])
  })
})
