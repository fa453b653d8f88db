import { afterEach, describe, expect, it } from 'vitest'
import { countMessages } from '../../src/storage/message.repository.js'
import { makeWorkdir, startTestApp, waitFor, type TestApp } from './test-context.js'

let t: TestApp | undefined
afterEach(async () => {
  await t?.stop()
  t = undefined
})

describe('duplicate deliveries', () => {
  it('stores and answers a message delivered twice with the same id only once', async () => {
    t = await startTestApp(await makeWorkdir())
    t.world.ask(t.world.alice, '我的快递到哪了')
    const first = await waitFor(async () => (await t!.app.suggestions.list())[0])
    const platformId = first.messageId.replace(/^wechaty:/, '')

    // The puppet redelivers the same message id (as puppets do after a reconnect).
    t.world.puppet.emit('message', { messageId: platformId })
    t.world.puppet.emit('message', { messageId: platformId })
    t.world.ask(t.world.bob, '能开发票吗')
    await waitFor(async () => (await t!.app.suggestions.list()).length === 2)
    await new Promise((r) => setTimeout(r, 200))
    expect(await countMessages(t.app.db)).toBe(2)
    expect((await t.app.suggestions.list()).map((s) => s.question).sort()).toEqual(['我的快递到哪了', '能开发票吗'].sort())
  })
})
