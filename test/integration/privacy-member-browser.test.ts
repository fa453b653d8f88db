/// <reference lib="dom" />
import fs from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { loginThroughForm, screenshot, useBrowser } from './browser.js'
import { makeWorkdir, startTestApp, waitFor, type TestApp } from './test-context.js'

const PASSWORD = '管理密码-0123456789'
const OLD_GROUP = { groupId: 'g2@chatroom', groupName: '老客户群' }

const browser = useBrowser()
let t: TestApp | undefined

/** The app with 王老五 in a second group, logged in as an agent or an admin, on 王老五's page. */
async function openMemberPage(role: 'agent' | 'admin'): Promise<Page> {
  t = browser.adopt(await startTestApp(await makeWorkdir()))
  await t.app.members.record({ kind: 'join', channel: 'wechaty', ...OLD_GROUP, members: [{ id: 'wxid_old', name: '王老五' }], at: new Date() })
  const name = role === 'admin' ? '老板' : '小王'
  await t.app.auth.addUser({ name, role, password: PASSWORD, actor: 'test' })
  const page = await browser.newPage({ viewport: { width: 1280, height: 860 }, acceptDownloads: true })
  await loginThroughForm(page, t.app.url, name, PASSWORD, '/members/wxid_old')
  await expect.poll(() => page.locator('#member-name').textContent(), { timeout: 10_000 }).toContain('王老五')
  return page
}

describe('member page privacy actions in Chromium', () => {
  it('lets an admin download the export and erase the member after typing the name', async () => {
    const page = await openMemberPage('admin')
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: '导出个人信息' }).click()])
    const exported = JSON.parse(await fs.readFile((await download.path())!, 'utf8')) as { memberId: string; names: string[] }
    expect(exported).toMatchObject({ memberId: 'wxid_old', names: ['王老五'] })

    await page.getByRole('button', { name: '删除个人信息' }).click()
    const dialog = page.getByRole('dialog', { name: '删除个人信息' })
    const confirm = dialog.getByRole('button', { name: '永久删除' })
    await expect.poll(() => confirm.isDisabled()).toBe(true)
    await dialog.getByLabel('输入成员昵称「王老五」确认').fill('王老')
    expect(await confirm.isDisabled()).toBe(true)
    await dialog.getByLabel('输入成员昵称「王老五」确认').fill('王老五')
    await screenshot(page, 'privacy-erase-dialog')
    await Promise.all([page.waitForURL((url) => url.pathname === '/members'), confirm.click()])
    await waitFor(async () => (await t!.api('GET', '/api/members/wxid_old')).status === 404)
  })

  it('shows agents neither button', async () => {
    const page = await openMemberPage('agent')
    await expect.poll(() => page.locator('#crm').textContent()).not.toBe('')
    expect(await page.getByRole('link', { name: '导出个人信息' }).count()).toBe(0)
    expect(await page.getByRole('button', { name: '删除个人信息' }).count()).toBe(0)
  })
})
