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

async function start() {
  const work = await makeWorkdir()
  await fs.writeFile(path.join(work.kbDir, 'urge.yaml'), URGE)
  t = await startTestApp(work)
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
})
