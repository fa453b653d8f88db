import fs from 'node:fs/promises'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { makeWorkdir, startTestApp, waitFor, type TestApp } from './test-context.js'

let t: TestApp | undefined
afterEach(async () => {
  await t?.stop()
  t = undefined
})

describe('threshold bands per group', () => {
  it('applies a stricter band in a VIP group: no auto-send there, while the normal group still auto-sends', async () => {
    const work = await makeWorkdir()
    await fs.writeFile(path.join(work.kbDir, 'matching.yaml'), 'matching:\n  groups:\n    - match: VIP客户群\n      auto_send: 0.99\n')
    t = await startTestApp(work)
    const normal = t.world.mocker.createRoom({ topic: '普通客户群', memberIdList: [t.world.me.id, t.world.bob.id] })
    t.world.ask(t.world.alice, '客服几点下班')
    t.world.bob.say('@客服助手\u2005客服几点下班', [t.world.me]).to(normal)
    const vip = await waitFor(async () => (await t!.app.suggestions.list()).find((s) => s.groupName === 'VIP客户群'))
    const other = await waitFor(async () => (await t!.app.suggestions.list()).find((s) => s.groupName === '普通客户群' && s.status === 'sent'))
    expect(vip).toMatchObject({ intentId: 'service.hours', status: 'pending' })
    expect(other).toMatchObject({ intentId: 'service.hours', decision: 'auto_sent' })
  })
})
