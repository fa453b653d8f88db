import fs from 'node:fs/promises'
import path from 'node:path'
import { chromium, type Browser, type Page } from 'playwright-core'

export const ARTIFACTS = path.resolve(import.meta.dirname, '../../test-artifacts')
const EXECUTABLE = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

/** Debian's Chromium, headless, without the background traffic a closed network refuses. */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: EXECUTABLE,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  })
}

export async function screenshot(page: Page, name: string): Promise<string> {
  await fs.mkdir(ARTIFACTS, { recursive: true })
  const file = path.join(ARTIFACTS, `${name}.png`)
  await page.screenshot({ path: file, fullPage: true })
  return file
}

/** Logs in through the login form, like an agent would. */
export async function loginThroughForm(page: Page, base: string, name: string, password: string, next = '/'): Promise<void> {
  await page.goto(`${base}/login?next=${encodeURIComponent(next)}`)
  await page.getByLabel('用户名').fill(name)
  await page.getByLabel('密码').fill(password)
  await Promise.all([page.waitForURL((url) => url.pathname === next), page.getByRole('button', { name: '登录' }).click()])
}
