import fs from 'node:fs/promises'
import path from 'node:path'
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll } from 'vitest'

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

/**
 * The hooks a browser test file needs: one Chromium for the file; after each test the page's context is closed,
 * then the app it showed is stopped. `adopt` hands over the app; `newPage` opens a zh-CN page whose script errors
 * fail the test.
 *
 * @example
 * const browser = useBrowser()
 * t = browser.adopt(await startTestApp(work))
 * const page = await browser.newPage()
 */
export function useBrowser() {
  let browser: Browser | undefined
  let context: BrowserContext | undefined
  let app: { stop(): Promise<void> } | undefined
  beforeAll(async () => { browser = await launchBrowser() })
  afterAll(async () => { await browser?.close() })
  afterEach(async () => {
    await context?.close()
    context = undefined
    await app?.stop()
    app = undefined
  })
  return {
    adopt<T extends { stop(): Promise<void> }>(owned: T): T {
      app = owned
      return owned
    },
    async newPage(options: BrowserContextOptions & { init?: string } = {}): Promise<Page> {
      const { init, ...contextOptions } = options
      context = await browser!.newContext({ locale: 'zh-CN', viewport: { width: 1360, height: 860 }, ...contextOptions })
      if (init) await context.addInitScript(init)
      const page = await context.newPage()
      page.on('pageerror', (error) => { throw error })
      return page
    },
  }
}
