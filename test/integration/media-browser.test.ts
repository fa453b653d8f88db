/// <reference lib="dom" />
import { FileBox } from 'file-box'
import { describe, expect, it } from 'vitest'
import { makePdf, makePng, makeSilkVoice } from '../support/media-fixtures.js'
import { loginThroughForm, screenshot, useBrowser } from './browser.js'
import { makeWorkdir, startTestApp, waitFor } from './test-context.js'

const PASSWORD = '坐席密码-0123456789'
const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 15_000, interval: 100 })
const browser = useBrowser()

describe('the queue shows what customers sent besides text', () => {
  it('shows a picture inline, plays a voice note and offers a document for download, in the item and its conversation', async () => {
    const t = browser.adopt(await startTestApp(await makeWorkdir()))
    const { world, app } = t
    const say = (bytes: Buffer, name: string) => {
      const box = FileBox.fromBase64(bytes.toString('base64'), name)
      // The mock puppet types a PDF as a file only from its extension, with the media type unknown.
      if (name.endsWith('.pdf')) (box as unknown as { _mediaType: string })._mediaType = 'application/octet-stream'
      world.alice.say(box).to(world.room)
    }
    world.ask(world.alice, '收到的杯子碎了')
    await waitFor(async () => (await app.suggestions.list({ status: 'pending' })).length === 1)
    say(makePng(40, 30), '碎了.png')
    await waitFor(async () => (await app.suggestions.list({ status: 'pending' })).some((s) => s.question === '[图片]'))
    say(await makeSilkVoice(2), 'voice.sil')
    say(makePdf(), '订单截图说明.pdf')
    await waitFor(async () => (await app.db.selectFrom('message_media').select('id').execute()).length === 3)

    await app.auth.addUser({ name: '小王', role: 'agent', password: PASSWORD, actor: 'test' })
    const page = await browser.newPage()
    await loginThroughForm(page, app.url, '小王', PASSWORD)
    await page.getByRole('option').filter({ hasText: '[图片]' }).click()

    // The picture is the question: shown under it, decoded by the browser at its real size.
    const questionImage = page.locator('.question-media img')
    await poll(() => questionImage.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(40)
    // The voice note plays: the browser reads its duration from the WAV the server made of the SILK.
    const audio = page.locator('.conversation audio')
    await poll(() => audio.evaluate((a: HTMLAudioElement) => (Number.isFinite(a.duration) ? Math.round(a.duration) : 0))).toBe(2)
    // The document is a download under its own name.
    const download = page.getByRole('link', { name: /下载 订单截图说明\.pdf/u })
    await expect(download.getAttribute('download')).resolves.toBe('订单截图说明.pdf')
    const [file] = await Promise.all([page.waitForEvent('download'), download.click()])
    expect(file.suggestedFilename()).toBe('订单截图说明.pdf')
    // Nothing English from the puppet leaks into the conversation.
    await expect(page.locator('.conversation').textContent()).resolves.not.toMatch(/\[(Image|Audio|Attachment|Unknown)\]/u)
    await screenshot(page, 'queue-media')
  })
})
