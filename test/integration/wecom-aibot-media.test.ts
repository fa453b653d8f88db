import { randomBytes } from 'node:crypto'
import { encrypt as wecomEncrypt, getSignature } from '@wecom/crypto'
import { afterEach, describe, expect, it } from 'vitest'
import type { SuggestionContextView } from '../../src/console/contract.js'
import { encryptLikeWecom, startAibotMediaServer, type MediaRoute } from '../support/aibot-media-server.js'
import { captureLog } from '../support/wecom-test-kit.js'
import { makeWorkdir, startTestApp, TEST_TOKEN, waitFor, type TestApp } from './test-context.js'

const AIBOT_TOKEN = 'aibot-token-0123'
const AIBOT_AES_KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG'
const CHAT = 'wrOgQhDgAAcwMTB7YmDkbeBsgT_KAAAA'
const CUSTOMER = `wm-${CHAT}-1`
// A real PNG's first bytes, then noise: the type is read from the bytes after decryption.
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(2000)])

let t: TestApp | undefined
let media: Awaited<ReturnType<typeof startAibotMediaServer>> | undefined
afterEach(async () => {
  await t?.stop()
  await media?.close()
  t = undefined
  media = undefined
})

async function start(routes: Record<string, MediaRoute>) {
  media = await startAibotMediaServer(routes)
  const log = captureLog()
  t = await startTestApp(await makeWorkdir(), {
    logger: log.logger,
    env: { QUNDESK_WECOM_AIBOT_TOKEN: AIBOT_TOKEN, QUNDESK_WECOM_AIBOT_ENCODING_AES_KEY: AIBOT_AES_KEY },
  })
  return { media, log }
}

/** Encrypts and signs like WeCom does, with @wecom/crypto directly (not our code), and posts it to /wecom/aibot. */
async function postAibot(message: Record<string, unknown>): Promise<number> {
  const encrypt = wecomEncrypt(AIBOT_AES_KEY, JSON.stringify(message), '')
  const timestamp = String(Math.floor(Date.now() / 1000))
  const nonce = String(Math.floor(Math.random() * 1e9))
  const query = new URLSearchParams({ msg_signature: getSignature(AIBOT_TOKEN, timestamp, nonce, encrypt), timestamp, nonce })
  const res = await fetch(`${t!.app.url}/wecom/aibot?${query}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ encrypt }) })
  return res.status
}

const aibot = (msgid: string, msgtype: string, body: Record<string, unknown>) => ({
  msgid, aibotid: 'aibot-1', chatid: CHAT, chattype: 'group', from: { userid: CUSTOMER },
  response_url: 'https://qyapi.weixin.qq.com/cgi-bin/aibot/response?response_code=r1', msgtype, ...body,
})

const suggestionFor = (messageId: string) => waitFor(async () => (await t!.app.suggestions.list()).find((s) => s.messageId === messageId))
const storedMedia = (messageId: string) => t!.app.db.selectFrom('message_media').select(['position', 'kind', 'mime_type', 'file_name', 'size_bytes', 'status', 'transcript']).where('message_id', '=', messageId).orderBy('position').execute()
const storedMessage = (messageId: string) => t!.app.db.selectFrom('messages').select(['text', 'question', 'mentions_bot']).where('id', '=', messageId).executeTakeFirstOrThrow()
const getMedia = (messageId: string, position: number) => fetch(`${t!.app.url}/api/messages/${encodeURIComponent(messageId)}/media/${position}`, { headers: { authorization: `Bearer ${TEST_TOKEN}` } })

describe('WeCom AI bot pictures, files and voice notes', () => {
  it('downloads and decrypts a picture, stores it with the message, hands it to an agent, and serves the original PNG', async () => {
    const { media: server } = await start({ '/pic': { body: encryptLikeWecom(PNG, AIBOT_AES_KEY) } })
    expect(await postAibot(aibot('img-1', 'image', { image: { url: server.url('/pic') } }))).toBe(200)

    const suggestion = await suggestionFor('wecom-aibot:img-1')
    expect(suggestion).toMatchObject({ groupId: CHAT, memberId: CUSTOMER, kind: 'needs_human', needsHuman: true, question: '[图片]' })
    expect(await storedMessage('wecom-aibot:img-1')).toEqual({ text: '[图片]', question: '[图片]', mentions_bot: 1 })
    expect(await storedMedia('wecom-aibot:img-1')).toEqual([{ position: 0, kind: 'image', mime_type: 'image/png', file_name: 'image.png', size_bytes: PNG.length, status: 'stored', transcript: null }])
    expect(server.requests).toEqual(['/pic?sign=secret-download-credential&t=1'])

    const res = await getMedia('wecom-aibot:img-1', 0)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('image/png')
    expect(Buffer.from(await res.arrayBuffer())).toEqual(PNG)
  })

  it('takes a mixed message\'s text parts as its question (without the @name) and its pictures as media', async () => {
    const other = Buffer.from([0xff, 0xd8, 0xff, 0xe0, ...randomBytes(300)])
    const { media: server } = await start({ '/a': { body: encryptLikeWecom(PNG, AIBOT_AES_KEY) }, '/b': { body: encryptLikeWecom(other, AIBOT_AES_KEY) } })
    expect(await postAibot(aibot('mix-1', 'mixed', {
      mixed: { msg_item: [
        { msgtype: 'text', text: { content: '@客服助手 收到的杯子碎了' } },
        { msgtype: 'image', image: { url: server.url('/a') } },
        { msgtype: 'text', text: { content: '外箱也压坏了' } },
        { msgtype: 'image', image: { url: server.url('/b') } },
      ] },
    }))).toBe(200)

    const suggestion = await suggestionFor('wecom-aibot:mix-1')
    expect(suggestion).toMatchObject({ needsHuman: true, question: '收到的杯子碎了\n外箱也压坏了' })
    expect(await storedMessage('wecom-aibot:mix-1')).toMatchObject({ text: '@客服助手 收到的杯子碎了\n外箱也压坏了' })
    expect((await storedMedia('wecom-aibot:mix-1')).map((m) => [m.kind, m.mime_type, m.status])).toEqual([['image', 'image/png', 'stored'], ['image', 'image/jpeg', 'stored']])
    expect(Buffer.from(await (await getMedia('wecom-aibot:mix-1', 1)).arrayBuffer())).toEqual(other)
  })

  it('keeps a voice note as WeCom\'s transcript, shown in the context API without any audio', async () => {
    await start({})
    expect(await postAibot(aibot('voice-1', 'voice', { voice: { content: '我的快递三天了还没到' } }))).toBe(200)

    const suggestion = await suggestionFor('wecom-aibot:voice-1')
    expect(suggestion).toMatchObject({ needsHuman: true, question: '[语音] 我的快递三天了还没到' })
    const context = await t!.api<SuggestionContextView>('GET', `/api/suggestions/${suggestion.id}/context`)
    expect(context.status).toBe(200)
    const line = context.body.conversation.find((m) => m.id === 'wecom-aibot:voice-1')
    expect(line).toMatchObject({
      text: '[语音] 我的快递三天了还没到',
      media: [{ kind: 'voice', status: 'transcript_only', transcript: '我的快递三天了还没到', sizeBytes: null, url: '/api/messages/wecom-aibot%3Avoice-1/media/0' }],
    })
    const res = await getMedia('wecom-aibot:voice-1', 0)
    expect(res.status).toBe(404)
    expect(await res.text()).toContain('转写文字')
  })

  it('stores a file under the name WeCom gives, its type read from the bytes', async () => {
    const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(500)])
    const { media: server } = await start({ '/f': { body: encryptLikeWecom(pdf, AIBOT_AES_KEY), headers: { 'content-disposition': `attachment; filename*=UTF-8''${encodeURIComponent('发票.pdf')}` } } })
    expect(await postAibot(aibot('file-1', 'file', { file: { url: server.url('/f') } }))).toBe(200)
    const suggestion = await suggestionFor('wecom-aibot:file-1')
    expect(suggestion).toMatchObject({ needsHuman: true, question: '[文件] 发票.pdf' })
    expect(await storedMedia('wecom-aibot:file-1')).toEqual([{ position: 0, kind: 'file', mime_type: 'application/pdf', file_name: '发票.pdf', size_bytes: pdf.length, status: 'stored', transcript: null }])
  })

  it.each<[string, Record<string, MediaRoute>]>([
    ['answers 404', {}],
    ['serves bytes encrypted with another key', { '/pic': { body: encryptLikeWecom(PNG, Buffer.alloc(32, 7)) } }],
  ])('stores the message with its picture unavailable when the download %s, and logs no credential', async (_name, routes) => {
    const { media: server, log } = await start(routes)
    expect(await postAibot(aibot('img-gone', 'image', { image: { url: server.url('/pic') } }))).toBe(200)

    const suggestion = await suggestionFor('wecom-aibot:img-gone')
    expect(suggestion).toMatchObject({ needsHuman: true, question: '[图片]' })
    expect(await storedMedia('wecom-aibot:img-gone')).toEqual([{ position: 0, kind: 'image', mime_type: 'application/octet-stream', file_name: 'image', size_bytes: null, status: 'unavailable', transcript: null }])
    expect((await getMedia('wecom-aibot:img-gone', 0)).status).toBe(404)
    const processed = await t!.app.db.selectFrom('wecom_callbacks').select('status').execute()
    expect(processed.map((p) => p.status)).toEqual(['processed'])

    const warning = log.lines().find((l) => l.msg === 'an AI-bot file could not be fetched; the message is kept with it marked unavailable')
    expect(warning).toMatchObject({ level: 40, messageId: 'wecom-aibot:img-gone', kind: 'image', from: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/pic$/) })
    expect(log.raw.join('\n')).not.toContain('secret-download-credential')
  })

  it('stores the message with its file unavailable when the download stalls past 10 s', async () => {
    const { media: server } = await start({ '/slow': { hang: true } })
    expect(await postAibot(aibot('file-slow', 'file', { file: { url: server.url('/slow') } }))).toBe(200)
    const suggestion = await waitFor(async () => (await t!.app.suggestions.list()).find((s) => s.messageId === 'wecom-aibot:file-slow'), { timeoutMs: 20_000, intervalMs: 200 })
    expect(suggestion).toMatchObject({ needsHuman: true, question: '[文件] file' })
    expect(await storedMedia('wecom-aibot:file-slow')).toMatchObject([{ kind: 'file', status: 'unavailable' }])
  }, 30_000)
})
