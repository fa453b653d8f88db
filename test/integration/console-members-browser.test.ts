/// <reference lib="dom" />
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { loginThroughForm, screenshot, useBrowser } from './browser.js'
import { makeWorkdir, startTestApp, useRules, waitFor, type TestApp } from './test-context.js'

const PASSWORD = '坐席密码-0123456789'
const OLD_GROUP = { groupId: 'g2@chatroom', groupName: '老客户群' }
const DAY_MS = 86_400_000

// Pages render asynchronously; give a loaded two-core CI machine room before a check fails.
const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 10_000, interval: 50 })

interface ChartGlobal { Chart: { getChart(canvas: HTMLCanvasElement | null): { data: { datasets: Array<{ label: string; data: number[] }> } } | undefined } }

const browser = useBrowser()
let t: TestApp | undefined

/**
 * The app with the 'valid' rules: the mock room's 张三 and 李四 (新成员, synced at start) and, in a second group,
 * 王老五, who joined 40½ days ago and never spoke (沉默). Everyone is tagged before the browser opens. The half day
 * keeps his age at 40 whichever re-tag tags him first: one started before he was recorded counts from its own
 * (earlier) start, and a join exactly 40 days back would read 39.99 days there.
 */
async function open(role: 'agent' | 'admin' = 'agent'): Promise<Page> {
  const work = await makeWorkdir()
  await useRules(work, 'valid')
  t = browser.adopt(await startTestApp(work))
  await waitFor(async () => (await t!.app.members.group(t!.world.room.id)).length === 2)
  await t.app.members.record({ kind: 'join', channel: 'wechaty', ...OLD_GROUP, members: [{ id: 'wxid_old', name: '王老五' }], at: new Date(Date.now() - 40.5 * DAY_MS) })
  await t.app.tagging.retagAll()
  await t.app.tagging.idle()
  const name = role === 'admin' ? '老板' : '小王'
  await t.app.auth.addUser({ name, role, password: PASSWORD, actor: 'test' })
  const page = await browser.newPage()
  await loginThroughForm(page, t.app.url, name, PASSWORD)
  return page
}

const chartLabels = (page: Page) => page.evaluate(() => {
  const chart = (window as unknown as ChartGlobal).Chart.getChart(document.getElementById('chart-distribution') as HTMLCanvasElement)
  return chart ? chart.data.datasets.map((d) => d.label) : null
})

describe('member pages in Chromium', () => {
  it('filters members by a tag, opens one, adds a manual tag and sees it in the history', async () => {
    const page = await open()
    await page.getByRole('link', { name: '成员' }).click()
    await page.waitForURL((url) => url.pathname === '/members')
    await poll(() => page.locator('#members-total').textContent()).toBe('共 3 人')
    await page.getByLabel('标签', { exact: true }).selectOption('沉默')
    await poll(() => page.locator('#members-total').textContent()).toBe('共 1 人')
    expect(new URL(page.url()).searchParams.get('tag')).toBe('沉默')
    // The filter is in the address: a reload (or a shared link) shows the same list.
    await page.reload()
    await poll(() => page.locator('#members-total').textContent()).toBe('共 1 人')
    expect(await page.getByLabel('标签', { exact: true }).inputValue()).toBe('沉默')
    const row = page.locator('#members-table tbody tr')
    expect(await row.count()).toBe(1)
    expect(await row.textContent()).toContain('老客户群')
    expect(await row.locator('.tag.rule').textContent()).toBe('沉默')
    await screenshot(page, 'members')

    await row.getByRole('link', { name: '王老五' }).click()
    await page.waitForURL((url) => url.pathname === '/members/wxid_old')
    await poll(() => page.locator('#history-table').textContent()).toContain('沉默')
    // The history says which rule decided and what it saw.
    expect(await page.locator('#history-table').textContent()).toMatch(/规则 activity\.yaml:\d+/)
    expect(await page.locator('#history-table').textContent()).toContain('join_age_days=40')
    expect(await page.locator('.membership').textContent()).toContain('不能手动添加或移除')
    expect(await page.getByRole('button', { name: /移除手动标签「沉默」/ }).count()).toBe(0)
    await page.getByText('活跃指标').click()
    expect(await page.locator('.metrics').textContent()).toContain('近 30 天发言条数')

    await page.getByLabel('在「老客户群」添加手动标签').fill('老客户')
    await page.getByRole('button', { name: '添加标签' }).click()
    await poll(() => page.locator('#history-table tbody tr').first().textContent()).toContain('客服 小王')
    expect(await page.locator('#history-table tbody tr').first().textContent()).toContain('老客户')
    expect(await page.locator('.tag.manual').textContent()).toBe('老客户手动')
    await screenshot(page, 'member')

    // A rule tag cannot be added by hand: the form says why.
    await page.getByLabel('在「老客户群」添加手动标签').fill('新成员')
    await page.getByRole('button', { name: '添加标签' }).click()
    await poll(() => page.locator('.add-tag [role="alert"]').textContent()).toContain('规则标签')

    await page.getByRole('button', { name: '移除手动标签「老客户」' }).click()
    await poll(() => page.locator('#history-table tbody tr').first().textContent()).toContain('移除')
    expect(await page.locator('.tag.manual').count()).toBe(0)
  })

  it('draws the tag distribution over time after a full re-tag, started from the admin page', async () => {
    const page = await open('admin')
    await page.goto(`${t!.app.url}/admin`)
    await poll(() => page.getByLabel('每群每小时主动消息上限').inputValue()).toBe('3')
    await page.getByRole('button', { name: '立即重新计算标签' }).click()
    await poll(() => page.locator('#retag-status').textContent()).toContain('已重新计算 3 个成员')
    await page.getByLabel('每群每小时主动消息上限').fill('5')
    await page.locator('#settings-form').getByRole('button', { name: '保存' }).click()
    await poll(() => page.locator('#settings-form .status').textContent()).toBe('已保存')
    expect((await t!.api<{ outreachPerGroupPerHour: number }>('GET', '/api/settings')).body.outreachPerGroupPerHour).toBe(5)

    await page.goto(`${t!.app.url}/members`)
    // One line per lifecycle stage, in the rules' order.
    await poll(() => chartLabels(page)).toEqual(['新成员', '沉默'])
    const drawn = await page.evaluate(() => (document.getElementById('chart-distribution') as HTMLCanvasElement).toDataURL().length)
    expect(drawn).toBeGreaterThan(3000)
    await poll(() => page.locator('#tag-counts').textContent()).toContain('新成员 2 人')
    await page.getByLabel('显示', { exact: true }).selectOption('tag')
    await poll(() => chartLabels(page)).toEqual(['新成员', '沉默'])
    await screenshot(page, 'members-distribution')
  })

  it('shows a welcome from a tag action as 主动消息 in the queue and sends it into the group with one click', async () => {
    const page = await open()
    const carol = t!.world.mocker.createContact({ name: '王五' })
    await t!.app.members.record({ kind: 'join', channel: 'wechaty', groupId: t!.world.room.id, groupName: 'VIP客户群', members: [{ id: carol.id, name: '王五' }], at: new Date() })
    await t!.app.tagging.retagMember(t!.world.room.id, carol.id)
    await t!.app.tagging.idle()
    const item = page.getByRole('option').filter({ hasText: '【主动消息】' }).filter({ has: page.getByText('王五', { exact: true }) })
    await item.waitFor()
    expect(await item.locator('.badge.outreach').textContent()).toBe('主动消息')
    await item.click()
    await poll(() => page.locator('#draft').inputValue()).toBe('王五，欢迎加入！有问题随时@我。')
    expect(await page.getByRole('button', { name: /意图不对/ }).count()).toBe(0)
    expect(await page.locator('#detail').getByRole('link', { name: '王五' }).getAttribute('href')).toBe(`/members/${encodeURIComponent(carol.id)}`)
    await screenshot(page, 'queue-outreach')
    await page.getByRole('button', { name: /^发送/ }).click()
    await waitFor(() => t!.world.said.some((s) => s.includes('王五，欢迎加入！')))
    // The group may see the welcome a moment before the outbox records it as sent.
    const sent = await waitFor(async () => (await t!.app.suggestions.list({ status: 'sent' })).find((s) => s.memberName === '王五'))
    expect(sent).toMatchObject({ kind: 'outreach', decision: 'sent', decidedBy: '小王' })

    // A reminder has no draft: the agent may write a message, or dismiss it.
    await t!.app.suggestions.createOutreach({
      sourceId: 'test-reminder', kind: 'reminder', text: null, autoSend: false, at: new Date(),
      groupId: t!.world.room.id, groupName: 'VIP客户群', memberId: t!.world.bob.id, memberName: '李四', reason: '【提醒】李四 标签「流失预警」新增，请关注',
    })
    const reminder = page.getByRole('option').filter({ hasText: '【提醒】李四' })
    await reminder.waitFor()
    expect(await reminder.locator('.badge').allTextContents()).toEqual(['提醒'])
    await reminder.click()
    await poll(() => page.locator('.question').textContent()).toContain('【提醒】李四')
    expect(await page.locator('#draft').inputValue()).toBe('')
    await page.getByRole('button', { name: /^发送消息/ }).click()
    await poll(() => page.locator('.toast').textContent()).toContain('提醒没有草稿')
    await page.getByRole('button', { name: '忽略 (R)' }).click()
    await page.getByRole('button', { name: '确认忽略' }).click()
    await waitFor(async () => (await t!.app.suggestions.list({ status: 'rejected' })).some((s) => s.kind === 'reminder' && s.decidedBy === '小王'))
  })

  it('lets an admin set the handoff acknowledgement per reason and per group, and shows the saved choices again', async () => {
    const page = await open('admin')
    await page.goto(`${t!.app.url}/admin`)
    await poll(() => page.getByLabel('默认提示').inputValue()).toBe('已为您转接人工客服，请稍候～')
    await poll(() => page.locator('#handoff-groups tbody tr').count()).toBe(2)
    await page.getByLabel('超时未回复 的提示', { exact: true }).selectOption('off')
    await page.getByLabel('客户要求转人工 的提示', { exact: true }).selectOption('custom')
    await page.getByLabel('客户要求转人工 的提示文字').fill('好的，马上为您转人工～')
    await page.getByLabel('老客户群 的提示', { exact: true }).selectOption('custom')
    await page.getByLabel('老客户群 的提示文字').fill('老客户专线稍后联系您')
    await page.locator('#handoff-form').getByRole('button', { name: '保存' }).click()
    await poll(() => page.locator('#handoff-form .status').textContent()).toBe('已保存')
    const saved = (await t!.api<{ handoffAck: string; handoffAckByReason: Record<string, string>; handoffAckByGroup: Record<string, string> }>('GET', '/api/settings')).body
    expect(saved).toMatchObject({
      handoffAck: '已为您转接人工客服，请稍候～', handoffAckByReason: { sla: '', keyword: '好的，马上为您转人工～' }, handoffAckByGroup: { [OLD_GROUP.groupId]: '老客户专线稍后联系您' },
    })
    await page.reload()
    await poll(() => page.getByLabel('超时未回复 的提示', { exact: true }).inputValue()).toBe('off')
    expect(await page.getByLabel('老客户群 的提示文字').inputValue()).toBe('老客户专线稍后联系您')
    expect(await page.getByLabel('情绪激动 的提示', { exact: true }).inputValue()).toBe('default')
    await screenshot(page, 'admin-handoff-ack')
  })

  it('lets an admin choose the groups the bot serves, keeping a per-instance list set through the API', async () => {
    const page = await open('admin')
    await page.goto(`${t!.app.url}/admin`)
    await poll(() => page.getByLabel('全部群').isChecked()).toBe(true)
    await poll(() => page.locator('#served-list input[type=checkbox]').count()).toBe(2)
    await page.getByLabel('仅下列勾选的群').check()
    await page.locator('#served-list').getByLabel('老客户群').check()
    await page.locator('#served-form').getByRole('button', { name: '保存' }).click()
    await poll(() => page.locator('#served-form .status').textContent()).toBe('已保存')
    expect((await t!.api<{ servedGroups: unknown }>('GET', '/api/settings')).body.servedGroups).toEqual({ '*': [OLD_GROUP.groupId] })
    await page.reload()
    await poll(() => page.getByLabel('仅下列勾选的群').isChecked()).toBe(true)
    expect(await page.locator('#served-list').getByLabel('老客户群').isChecked()).toBe(true)
    expect(await page.locator('#served-list').getByLabel('VIP客户群').isChecked()).toBe(false)
    await page.getByLabel('全部群').check()
    await page.locator('#served-form').getByRole('button', { name: '保存' }).click()
    await poll(() => page.locator('#served-form .status').textContent()).toBe('已保存')
    expect((await t!.api<{ servedGroups: unknown }>('GET', '/api/settings')).body.servedGroups).toEqual({})
  })
})
