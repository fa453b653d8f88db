import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createWebhookSender, truncateUtf8, type WebhookSenderOptions } from '../../../../src/channels/wecom/webhook-sender.js'
import { startFakeWecom, type FakeWecom } from '../../../support/fake-wecom-server.js'
import { captureLog, fakeTime, rejection } from '../../../support/wecom-test-kit.js'

const KEY = 'robot-key-693a0b-do-not-log'
const SEND = '/cgi-bin/webhook/send'

let wecom: FakeWecom
let time: ReturnType<typeof fakeTime>
let log: ReturnType<typeof captureLog>

beforeEach(async () => {
  time = fakeTime()
  log = captureLog()
  // The fake robot enforces WeCom's own 20 a minute, by the same fake clock.
  wecom = await startFakeWecom({ corpId: 'ww-test', secret: 'unused', webhookKey: KEY, now: time.now, webhookPerMinute: 20 })
})

afterEach(async () => {
  await wecom.close()
})

function sender(overrides: Partial<WebhookSenderOptions> = {}) {
  return createWebhookSender({ key: KEY, baseUrl: wecom.baseUrl, clock: time.clock, logger: log.logger, sleep: time.sleep, random: () => 0.5, ...overrides })
}

describe('createWebhookSender', () => {
  it('sends text with mentions and markdown, resolving once WeCom accepted them', async () => {
    const robot = sender()
    await robot.sendText('王女士的订单需要人工处理', { userIds: ['zhangsan', '@all'], mobiles: ['13800001111'] })
    await robot.sendMarkdown('**需要人工处理**\n> 群：售后群 1')
    expect(wecom.state.webhookMessages.map((m) => m.body)).toEqual([
      { msgtype: 'text', text: { content: '王女士的订单需要人工处理', mentioned_list: ['zhangsan', '@all'], mentioned_mobile_list: ['13800001111'] } },
      { msgtype: 'markdown', markdown: { content: '**需要人工处理**\n> 群：售后群 1' } },
    ])
    await robot.stop()
  })

  it('paces to 20 a minute: the 21st waits until the window moves, and WeCom never answers 45009', async () => {
    const robot = sender()
    await Promise.all(Array.from({ length: 21 }, (_, i) => robot.sendText(`通知 ${i + 1}`)))
    const messages = wecom.state.webhookMessages
    expect(messages.map((m) => (m.body.text as { content: string }).content)).toEqual(Array.from({ length: 21 }, (_, i) => `通知 ${i + 1}`))
    expect(messages.slice(0, 20).every((m) => m.at === time.start)).toBe(true)
    expect(messages[20]!.at).toBeGreaterThanOrEqual(time.start + 60_000)
    expect(wecom.state.requests.filter((r) => r.path === SEND)).toHaveLength(21)
    await robot.stop()
  })

  it('keeps pacing with a small perMinute', async () => {
    const robot = sender({ perMinute: 2 })
    await Promise.all([1, 2, 3, 4, 5].map((i) => robot.sendText(`n${i}`)))
    const offsets = wecom.state.webhookMessages.map((m) => m.at - time.start)
    expect(offsets).toEqual([0, 0, 60_000, 60_000, 120_000])
    await robot.stop()
  })

  it('waits and retries on errcode 45009', async () => {
    const robot = sender()
    wecom.state.failNext(2, 'frequency', { path: SEND })
    await robot.sendText('稍后送达')
    expect(wecom.state.webhookMessages).toHaveLength(1)
    expect(wecom.state.requests.filter((r) => r.path === SEND)).toHaveLength(3)
    expect(time.sleeps).toEqual([10_000, 20_000])
    await robot.stop()
  })

  it('gives up with too_many_requests when 45009 persists', async () => {
    const robot = sender({ frequencyRetryDelaysMs: [1000] })
    wecom.state.failNext(2, 'frequency', { path: SEND })
    const error = await rejection(robot.sendText('送不出去'))
    expect(error.code).toBe('too_many_requests')
    expect(error.message).toContain('45009')
    await robot.stop()
  })

  it('retries network failures like the API client', async () => {
    const robot = sender()
    wecom.state.failNext(1, 'network', { path: SEND })
    wecom.state.failNext(1, '500', { path: SEND })
    await robot.sendMarkdown('终会送达')
    expect(wecom.state.webhookMessages).toHaveLength(1)
    await robot.stop()
  })

  it('explains 93000 (bad key) and says which setting to check, without logging the key', async () => {
    const robot = sender({ key: 'wrong-robot-key-secret' })
    const error = await rejection(robot.sendText('hello'))
    expect(error.code).toBe('unauthorized')
    expect(error.message).toContain('93000')
    expect(error.message).toContain('QUNDESK_WECOM_WEBHOOK_KEY')
    expect(error.context).toMatchObject({ errcode: 93000, path: SEND })
    expect(wecom.state.requests).toHaveLength(1)
    await robot.stop()
    expect(log.raw.join('')).not.toContain('wrong-robot-key-secret')
  })

  it('truncates text to 2048 bytes on a character boundary, with an ellipsis', async () => {
    const robot = sender()
    await robot.sendText('你'.repeat(700)) // 2100 bytes
    const content = (wecom.state.webhookMessages[0]!.body.text as { content: string }).content
    expect(Buffer.byteLength(content)).toBeLessThanOrEqual(2048)
    expect(content).toBe(`${'你'.repeat(681)}…`)
    await robot.stop()
  })

  it('truncates markdown to 4096 bytes', async () => {
    const robot = sender()
    await robot.sendMarkdown(`# 日报\n${'a'.repeat(5000)}`)
    const content = (wecom.state.webhookMessages[0]!.body.markdown as { content: string }).content
    expect(Buffer.byteLength(content)).toBe(4096)
    expect(content.endsWith('a…')).toBe(true)
    await robot.stop()
  })

  it('refuses empty content without calling WeCom', async () => {
    const robot = sender()
    expect((await rejection(robot.sendText('  '))).code).toBe('bad_request')
    expect(wecom.state.requests).toEqual([])
    await robot.stop()
  })

  it('bounds the queue, and stop() rejects what is still queued', async () => {
    // A sleep that never ends: once the window is full, everything else stays queued.
    const robot = sender({ perMinute: 1, maxQueue: 2, sleep: () => new Promise(() => {}) })
    const first = robot.sendText('第一条')
    const queued = [robot.sendText('第二条'), robot.sendText('第三条')]
    const full = await rejection(robot.sendText('第四条'))
    expect(full.code).toBe('too_many_requests')
    expect(full.message).toContain('队列已满')
    await first
    expect(robot.pending()).toBe(1) // the second is waiting for the window, the third is queued
    await robot.stop()
    for (const promise of queued) {
      const error = await rejection(promise)
      expect(error.code).toBe('channel_unavailable')
      expect(error.message).toContain('已停止')
    }
    expect((await rejection(robot.sendText('停止之后'))).code).toBe('channel_unavailable')
    expect(wecom.state.webhookMessages).toHaveLength(1)
    expect(log.lines().some((l) => l.msg === 'group robot queue is full; message refused')).toBe(true)
  })

  it('stop() wakes a send waiting on the real (default) window timer at once', async () => {
    const robot = createWebhookSender({ key: KEY, baseUrl: wecom.baseUrl, clock: time.clock, logger: log.logger, perMinute: 1 })
    await robot.sendText('第一条')
    const waiting = robot.sendText('要等一分钟')
    await robot.stop()
    expect((await rejection(waiting)).code).toBe('channel_unavailable')
    expect(wecom.state.webhookMessages).toHaveLength(1)
  })

  it('never logs the key', async () => {
    const robot = sender()
    wecom.state.failNext(1, 'network', { path: SEND })
    wecom.state.failNext(1, 'frequency', { path: SEND })
    await robot.sendText('一')
    wecom.state.failNext(1, { errcode: 40058, errmsg: 'invalid parameter' }, { path: SEND })
    await rejection(robot.sendText('二'))
    await robot.stop()
    const output = log.raw.join('')
    expect(log.raw.length).toBeGreaterThan(3)
    expect(output).not.toContain(KEY)
    expect(output).toContain(SEND)
  })
})

describe('truncateUtf8', () => {
  it.each([
    { text: 'short', max: 10, expected: 'short' },
    { text: '你好世界', max: 12, expected: '你好世界' },
    { text: '你好世界', max: 11, expected: '你好…' },
    { text: '你好世界', max: 9, expected: '你好…' },
    { text: '你好世界', max: 8, expected: '你…' },
    { text: 'ab👍🏽cdef', max: 12, expected: 'ab…' }, // the emoji + skin tone (8 bytes) stays whole
    { text: 'ab👍🏽cdef', max: 13, expected: 'ab👍🏽…' },
  ])('cuts "$text" to $max bytes as "$expected"', ({ text, max, expected }) => {
    const result = truncateUtf8(text, max)
    expect(result).toBe(expected)
    expect(Buffer.byteLength(result)).toBeLessThanOrEqual(max)
  })
})
