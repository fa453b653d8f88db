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

  it('stores and answers each message of a burst once when ids are redelivered inside the burst (stored a batch per commit)', async () => {
    t = await startTestApp(await makeWorkdir())
    const questions = Array.from({ length: 30 }, (_, i) => `我的快递到哪了 ${i}`)
    for (const q of questions) t.world.ask(i(q) % 2 === 0 ? t.world.alice : t.world.bob, q)
    // Redeliver what is known already while the rest of the burst is still coming in.
    const early = await waitFor(async () => { const rows = await t!.app.db.selectFrom('messages').select('id').execute(); return rows.length >= 3 ? rows : undefined })
    for (const r of early) for (let n = 0; n < 3; n++) t.world.puppet.emit('message', { messageId: r.id.replace(/^wechaty:/, '') })
    await waitFor(async () => (await t!.app.db.selectFrom('messages').select('id').where('status', '!=', 'received').execute()).length === 30)
    await new Promise((r) => setTimeout(r, 300))
    expect(await countMessages(t.app.db)).toBe(30)
    const suggestions = await t.app.suggestions.list()
    expect(suggestions).toHaveLength(30)
    expect(new Set(suggestions.map((s) => s.messageId)).size).toBe(30)
  })
})

const i = (q: string) => Number(q.split(' ')[1])
