/// <reference lib="dom" />
import { describe, expect, it } from 'vitest'
import { upsertMemberAttributes } from '../../src/storage/member-attribute.repository.js'
import type { SuggestionContextView } from '../../src/console/contract.js'
import { loginThroughForm, screenshot, useBrowser } from './browser.js'
import { makeWorkdir, startTestApp, useRules, waitFor } from './test-context.js'

const PASSWORD = '坐席密码-0123456789'
const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 10_000, interval: 50 })
const browser = useBrowser()

describe('the queue shows who the customer is beside the question', () => {
  it('lists the member\'s lifecycle stage, tags and CRM value in the context API and the detail pane', async () => {
    const work = await makeWorkdir()
    await useRules(work, 'valid')
    const t = browser.adopt(await startTestApp(work))
    const { world, app } = t
    await waitFor(async () => (await app.members.group(world.room.id)).length === 2)
    await t.api('POST', `/api/members/${world.alice.id}/tags`, { groupId: world.room.id, tag: '老客户' })
    await upsertMemberAttributes(app.db, [{
      member_id: world.alice.id, external_id: null, monthly_spend: 88, total_spend: 1288.5, orders: 6, returns: 1, last_purchase_at: null,
      imported_at: new Date().toISOString(), import_source: 'crm.csv',
    }], ['monthly_spend', 'total_spend', 'orders', 'returns'])
    await app.tagging.retagAll()
    await app.tagging.idle()

    world.ask(world.alice, '我的快递到哪了')
    const s = await waitFor(async () => (await app.suggestions.list({ status: 'pending' })).find((x) => x.memberId === world.alice.id && x.kind === 'answer'))
    const context = (await t.api<SuggestionContextView>('GET', `/api/suggestions/${s.id}/context`)).body
    expect(context.profile).toMatchObject({
      lifecycle: '新成员',
      tags: expect.arrayContaining([{ tag: '老客户', source: 'manual' }]),
      crm: { totalSpend: 1288.5, monthlySpend: 88, orders: 6 },
    })

    await app.auth.addUser({ name: '小王', role: 'agent', password: PASSWORD, actor: 'test' })
    const page = await browser.newPage()
    await loginThroughForm(page, app.url, '小王', PASSWORD)
    await page.getByRole('option').filter({ hasText: '我的快递到哪了' }).click()
    const profile = page.locator('#member-profile')
    await poll(() => profile.textContent()).toContain('新成员')
    const text = await profile.textContent()
    expect(text).toContain('老客户')
    expect(text).toContain('累计消费 ¥1,288.5')
    expect(text).toContain('订单 6')
    await screenshot(page, 'queue-member-profile')
  })
})
