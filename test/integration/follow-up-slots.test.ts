import fs from 'node:fs/promises'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { makeWorkdir, startTestApp, waitFor, type TestApp } from './test-context.js'

const URGE = `intents:
  - id: logistics.urge
    examples: [帮我催一下发货, 能不能快点发货, 下单好几天了还没发货, 催一下我的单子, 我的订单怎么还不发]
    answer: "{{name}}您好，订单 {{order_id}} 已经帮您登记催发，今天内回复您进度～"
    slots: [order_id]
    ask: "{{name}}您好，麻烦发一下订单号，我马上帮您催～"
`

let t: TestApp | undefined
afterEach(async () => {
  await t?.stop()
  t = undefined
})

// Minutes the tests move the app's clock forward (the 30-minute wait for the facts).
let skewMs = 0
const clock = () => new Date(Date.now() + skewMs)
/**
 * A sweep at a slot of its own: on PostgreSQL a fleet job runs once per slot, and the app's every-minute cron may
 * already have run this minute's (before the state the test sweeps for), which would make the test's tick a no-op.
 */
let sweeps = 0
const ownSlot = () => new Date(clock().getTime() + ++sweeps * 86_400_000)

/** Waits until the customers' messages are stored and through the steps (handled or ignored). */
async function allHandled(count: number) {
  await waitFor(async () => {
    const rows = await t!.app.db.selectFrom('messages').select('status').where('from_self', '=', 0).execute()
    return rows.length === count && rows.every((r) => r.status !== 'received')
  })
}

async function start(knowledge = URGE) {
  skewMs = 0
  const work = await makeWorkdir()
  await fs.writeFile(path.join(work.kbDir, 'urge.yaml'), knowledge)
  t = await startTestApp(work, { clock })
  return t
}

describe('follow-up questions for missing facts (slots)', () => {
  it('asks for the order number in the group, then drafts the answer with it when the customer replies without @', async () => {
    const { world, app } = await start()
    world.ask(world.alice, '帮我催一下发货')
    await waitFor(() => world.said.length === 1)
    expect(world.said[0]).toMatch(/^@张三\s张三您好，麻烦发一下订单号，我马上帮您催～$/u)
    expect(await app.suggestions.list()).toEqual([])

    // Someone else's order number does not fill Alice's question.
    world.bob.say('我的订单号是 DD20260000001').to(world.room)
    world.alice.say('订单号 DD20261123001').to(world.room)
    const s = await waitFor(async () => (await app.suggestions.list({ status: 'pending' }))[0])
    expect(s).toMatchObject({
      intentId: 'logistics.urge', memberName: '张三', question: '帮我催一下发货（DD20261123001）',
      text: '张三您好，订单 DD20261123001 已经帮您登记催发，今天内回复您进度～',
    })
    await new Promise((r) => setTimeout(r, 150))
    expect(await app.suggestions.list()).toHaveLength(1)
  })

  it('answers at once when the question already carries the order number', async () => {
    const { world, app } = await start()
    world.ask(world.alice, '帮我催一下发货，订单号 DD20261123001')
    const s = await waitFor(async () => (await app.suggestions.list({ status: 'pending' }))[0])
    expect(s.text).toBe('张三您好，订单 DD20261123001 已经帮您登记催发，今天内回复您进度～')
    expect(world.said).toEqual([])
  })

  it('fills the question only once, even if the reply is delivered twice', async () => {
    const { world, app } = await start()
    world.ask(world.alice, '能不能快点发货')
    await waitFor(() => world.said.length === 1)
    world.alice.say('123456789012345678').to(world.room)
    world.alice.say('再发一次 123456789012345678').to(world.room)
    await waitFor(async () => (await app.suggestions.list()).length === 1)
    await new Promise((r) => setTimeout(r, 200))
    expect(await app.suggestions.list()).toHaveLength(1)
  })

  it('hands the question to an agent when the customer answers with a phone number instead of the order number', async () => {
    const { world, app } = await start()
    world.ask(world.alice, '帮我催一下发货')
    await waitFor(() => world.said.length === 1)
    world.alice.say('好的稍等，我找一下').to(world.room)
    world.alice.say('13812345678').to(world.room)
    const item = await waitFor(async () => (await app.suggestions.list({ status: 'pending' }))[0])
    expect(item).toMatchObject({
      kind: 'needs_human', needsHuman: true, intentId: 'logistics.urge', memberName: '张三', text: null,
      question: '帮我催一下发货（追问订单号，客户回复：13812345678）',
    })
    // The question is handed over once: the order number arriving later drafts nothing more, and nothing is sent.
    world.alice.say('订单号 DD20261123001').to(world.room)
    await allHandled(4)
    expect(await app.suggestions.list()).toHaveLength(1)
    expect(world.said).toHaveLength(1)
    const audit = await app.db.selectFrom('audit_log').select(['action', 'detail']).where('action', '=', 'slot.handed_over').execute()
    expect(audit.map((a) => JSON.parse(a.detail) as Record<string, unknown>)).toEqual([expect.objectContaining({ why: 'other_reply', suggestionId: item.id })])
  })

  it('hands the question to an agent when the wait runs out, once, however often the sweep runs', async () => {
    const { world, app } = await start()
    world.ask(world.alice, '帮我催一下发货')
    await waitFor(() => world.said.length === 1)
    await app.scheduler.tick('slot-hand-over', clock())
    expect(await app.suggestions.list()).toEqual([])

    skewMs = 31 * 60_000
    await Promise.all([app.scheduler.tick('slot-hand-over', clock()), app.scheduler.tick('slot-hand-over', new Date(clock().getTime() + 60_000))])
    const item = await waitFor(async () => (await app.suggestions.list({ status: 'pending' }))[0])
    expect(item).toMatchObject({ kind: 'needs_human', intentId: 'logistics.urge', question: '帮我催一下发货（追问订单号，30 分钟内未回复）' })
    await app.scheduler.tick('slot-hand-over', new Date(clock().getTime() + 120_000))
    expect(await app.suggestions.list()).toHaveLength(1)
    // A late order number no longer drafts an answer: the question is with an agent.
    world.alice.say('订单号 DD20261123001').to(world.room)
    await allHandled(2)
    expect(await app.suggestions.list()).toHaveLength(1)
  })

  it('hands an earlier question to an agent when a newer one replaces it, instead of dropping it', async () => {
    const { world, app } = await start()
    world.ask(world.alice, '帮我催一下发货')
    await waitFor(() => world.said.length === 1)
    world.ask(world.alice, '我的订单怎么还不发')
    await waitFor(() => world.said.length === 2)
    await app.scheduler.tick('slot-hand-over', ownSlot())
    const first = await waitFor(async () => (await app.suggestions.list({ status: 'pending' }))[0])
    expect(first.question).toBe('帮我催一下发货（追问订单号，30 分钟内未回复）')
    world.alice.say('订单号 DD20261123001').to(world.room)
    await waitFor(async () => (await app.suggestions.list({ status: 'pending' })).length === 2)
    expect((await app.suggestions.list({ status: 'pending' })).map((s) => s.question).sort()).toEqual(['帮我催一下发货（追问订单号，30 分钟内未回复）', '我的订单怎么还不发（DD20261123001）'])
  })

  it('finishes a hand-over that a crash interrupted between closing the request and creating the item', async () => {
    const { world, app } = await start()
    world.ask(world.alice, '帮我催一下发货')
    await waitFor(() => world.said.length === 1)
    // What a crash right after the request was handed over leaves behind.
    await app.db.updateTable('slot_requests').set({ status: 'handed_over' }).execute()
    await app.scheduler.tick('slot-hand-over', ownSlot())
    const item = await waitFor(async () => (await app.suggestions.list({ status: 'pending' }))[0])
    expect(item).toMatchObject({ kind: 'needs_human', question: '帮我催一下发货（追问订单号，30 分钟内未回复）' })
  })

  describe('auto-sending the answer drafted from the facts', () => {
    /** The urge intent marked auto_send, with extra lines (e.g. its own auto-send threshold). */
    const autoSendUrge = (extra = '') => `${URGE.replace('    slots: [order_id]', '    auto_send: true\n    slots: [order_id]')}${extra}`

    async function replyWithOrderId(reply: string, knowledge: string) {
      const { world, app } = await start(knowledge)
      world.ask(world.alice, '帮我催一下发货')
      await waitFor(() => world.said.length === 1)
      world.alice.say(reply).to(world.room)
      const s = await waitFor(async () => (await app.suggestions.list()).find((x) => x.intentId === 'logistics.urge'))
      await new Promise((r) => setTimeout(r, 300))
      return { s: (await app.suggestions.list()).find((x) => x.id === s.id)!, world }
    }

    it('goes out without an agent when the original question matched confidently and the reply is calm', async () => {
      const { s, world } = await replyWithOrderId('订单号 DD20261123001', autoSendUrge())
      expect(s).toMatchObject({ decision: 'auto_sent', escalationReason: null })
      expect(s.score).toBeGreaterThan(0.59)
      await waitFor(() => world.said.length === 2)
      expect(world.said[1]).toContain('订单 DD20261123001 已经帮您登记催发')
    })

    it('waits for an agent when the original match was not confident, even for an auto_send intent', async () => {
      // The same question, but this intent auto-sends only at a score no match reaches.
      const { s, world } = await replyWithOrderId('订单号 DD20261123001', autoSendUrge().replace('    auto_send: true', '    auto_send: true\n    auto_send_threshold: 1'))
      expect(s).toMatchObject({ status: 'pending', decision: null, text: '张三您好，订单 DD20261123001 已经帮您登记催发，今天内回复您进度～' })
      expect(world.said).toHaveLength(1)
    })

    it('waits for an agent when the reply itself asks for a person', async () => {
      const { s } = await replyWithOrderId('DD20261123001 转人工', autoSendUrge())
      expect(s).toMatchObject({ status: 'pending', decision: null, escalationReason: 'keyword', intentId: 'logistics.urge' })
    })
  })
})

