// @ts-check
/**
 * The README's console screenshots (docs/screenshots/*.png): the demo as `npm start` runs it (a week of seeded
 * history, customers asking), opened in Debian's Chromium at 1440 px. Run after `npm run build`:
 *
 *   node scripts/readme-screenshots.js
 *
 * Needs /usr/bin/chromium (or CHROMIUM_PATH). Writes nothing else; the demo's data lives in a temp folder.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { chromium } from 'playwright-core'
import { loadConfig } from '../dist/config/load-config.js'
import { createLogger } from '../dist/core/logger.js'
import { startQunDesk } from '../dist/main.js'

const ROOT = path.resolve(import.meta.dirname, '..')
const OUT = path.join(ROOT, 'docs', 'screenshots')
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'qundesk-screenshots-'))
const sleep = (/** @type {number} */ ms) => new Promise((r) => setTimeout(r, ms))

const app = await startQunDesk(loadConfig({
  QUNDESK_DATA_DIR: path.join(tmp, 'data'), QUNDESK_STATE_DIR: path.join(tmp, 'state'), QUNDESK_PORT: '0',
  QUNDESK_KNOWLEDGE_DIR: path.join(ROOT, 'knowledge'), QUNDESK_RULES_DIR: path.join(ROOT, 'rules'), QUNDESK_DEMO_INTERVAL_SECONDS: '4',
}), { logger: createLogger({ level: 'warn' }) })
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu'] })
try {
  const admin = app.demoAdmin
  if (!admin) throw new Error('the demo made no admin account')
  // Let the scripted customers ask their first questions (the follow-up, the auto-send, the complaint).
  await sleep(40_000)
  const page = await browser.newPage({ locale: 'zh-CN', viewport: { width: 1440, height: 900 } })
  await page.goto(`${app.url}/login`)
  await page.getByLabel('用户名').fill(admin.name)
  await page.getByLabel('密码').fill(admin.password)
  await page.getByRole('button', { name: '登录' }).click()
  // The demo admin must choose a new password first.
  await page.waitForURL((url) => url.pathname === '/password' || url.pathname === '/')
  if (new URL(page.url()).pathname === '/password') {
    const fresh = `截图用-${Date.now()}-密码`
    await page.getByLabel('当前密码').fill(admin.password)
    await page.getByLabel('新密码', { exact: true }).fill(fresh)
    await page.getByLabel('再次输入新密码').fill(fresh)
    await Promise.all([page.waitForURL((url) => url.pathname === '/'), page.getByRole('button', { name: /修改密码|保存/ }).click()])
  }
  fs.mkdirSync(OUT, { recursive: true })
  await page.getByRole('listbox', { name: '建议列表' }).getByRole('option').first().click()
  await sleep(1000)
  await page.screenshot({ path: path.join(OUT, 'queue.png') })
  await page.goto(`${app.url}/reports`)
  await page.waitForLoadState('networkidle')
  await sleep(1000)
  await page.screenshot({ path: path.join(OUT, 'reports.png') })
  console.log(`wrote ${path.relative(ROOT, OUT)}/queue.png and reports.png`)
} finally {
  await browser.close()
  await app.stop()
  fs.rmSync(tmp, { recursive: true, force: true })
}
