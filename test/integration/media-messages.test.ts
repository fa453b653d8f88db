import { FileBox } from 'file-box'
import { afterEach, describe, expect, it } from 'vitest'
import { systemClock } from '../../src/core/clock.js'
import { createLogger } from '../../src/core/logger.js'
import { newContentKeyEntry } from '../../src/storage/content-cipher.js'
import { createMemberPrivacy } from '../../src/privacy/member-privacy.js'
import { createRetention } from '../../src/privacy/retention.js'
import type { SuggestionContextView } from '../../src/console/contract.js'
import { makePdf, makePng, makeSilkVoice } from '../support/media-fixtures.js'
import { openRawDb } from '../support/raw-db.js'
import { makeWorkdir, startTestApp, TEST_TOKEN, waitFor, type TestApp } from './test-context.js'

let t: TestApp | undefined
afterEach(async () => {
  await t?.stop()
  t = undefined
})

/**
 * A customer sends a file. The mock puppet types a message from the file's media type, and only for the few it lists
 * (image/png, audio/silk …); others (a PDF) it types from the extension when the media type is unknown, as here.
 */
function send(customer: { say(x: unknown): { to(room: unknown): void } }, bytes: Buffer, name: string): void {
  const box = FileBox.fromBase64(bytes.toString('base64'), name)
  if (name.endsWith('.pdf')) (box as unknown as { _mediaType: string })._mediaType = 'application/octet-stream'
  customer.say(box).to(t!.world.room)
}

async function fetchMedia(url: string): Promise<{ status: number; type: string | null; disposition: string | null; csp: string | null; body: Buffer }> {
  const response = await fetch(`${t!.app.url}${url}`, { headers: { authorization: `Bearer ${TEST_TOKEN}` } })
  return { status: response.status, type: response.headers.get('content-type'), disposition: response.headers.get('content-disposition'), csp: response.headers.get('content-security-policy'), body: Buffer.from(await response.arrayBuffer()) }
}

/** The stored media rows of a sender, as the database holds them. */
const mediaRows = (senderId: string) => t!.app.db.selectFrom('message_media').selectAll().where('sender_id', '=', senderId).orderBy('id').execute()

const handled = (count: number) => waitFor(async () => {
  const rows = await t!.app.db.selectFrom('messages').select('status').where('from_self', '=', 0).execute()
  return rows.length === count && rows.every((r) => r.status !== 'received')
})

describe('pictures, voice notes and files customers send', () => {
  it('a picture sent right after an @-question goes to an agent with the picture; more pictures fold into that item', async () => {
    t = await startTestApp(await makeWorkdir())
    const { world, app } = t
    world.ask(world.alice, '收到的杯子碎了，怎么办')
    await handled(1)
    const png = makePng(8, 6)
    send(world.alice, png, '碎了.png')
    const item = await waitFor(async () => (await app.suggestions.list({ status: 'pending' })).find((s) => s.question === '[图片]'))
    expect(item).toMatchObject({ kind: 'needs_human', needsHuman: true, memberName: '张三', text: null, escalationReason: null })

    const context = await t.api<SuggestionContextView>('GET', `/api/suggestions/${item.id}/context`)
    const line = context.body.conversation.find((m) => m.id === item.messageId)
    expect(line).toMatchObject({ text: '[图片]', media: [{ kind: 'image', fileName: '碎了.png', sizeBytes: png.length, status: 'stored' }] })
    const served = await fetchMedia(line!.media![0]!.url)
    expect(served).toMatchObject({ status: 200, type: 'image/png', csp: "default-src 'none'; sandbox" })
    expect(served.disposition).toMatch(/^inline; .*filename\*=UTF-8''%E7%A2%8E%E4%BA%86\.png$/u)
    expect(served.body.equals(png)).toBe(true)

    send(world.alice, makePng(4, 4), '又一张.png')
    await handled(3)
    expect((await app.suggestions.list({ status: 'pending' })).filter((s) => s.question === '[图片]')).toHaveLength(1)
    expect(await mediaRows(world.alice.id)).toHaveLength(2)
    expect(world.said).toEqual([]) // the bot never answers a picture itself
  })

  it('keeps a picture nobody addressed to the bot as conversation only: no item', async () => {
    t = await startTestApp(await makeWorkdir())
    send(t.world.bob, makePng(3, 3), 'cat.png')
    await handled(1)
    expect(await t.app.suggestions.list()).toEqual([])
    expect(await mediaRows(t.world.bob.id)).toEqual([expect.objectContaining({ kind: 'image', mime_type: 'image/png', status: 'stored' })])
    const message = await t.app.db.selectFrom('messages').select(['text', 'status']).where('sender_id', '=', t.world.bob.id).executeTakeFirstOrThrow()
    expect(message).toEqual({ text: '[图片]', status: 'ignored' })
  })

  it('plays a WeChat SILK voice note as WAV, and gives the original on download', async () => {
    t = await startTestApp(await makeWorkdir())
    const silk = await makeSilkVoice(2)
    t.world.ask(t.world.alice, '我说不清楚，发语音吧')
    await handled(1)
    send(t.world.alice, silk, 'voice.sil')
    const item = await waitFor(async () => (await t!.app.suggestions.list({ status: 'pending' })).find((s) => s.question === '[语音]'))
    const url = `/api/messages/${encodeURIComponent(item.messageId)}/media/0`
    const wav = await fetchMedia(url)
    expect(wav).toMatchObject({ status: 200, type: 'audio/wav' })
    expect(wav.body.subarray(0, 4).toString('latin1')).toBe('RIFF')
    expect(wav.body.subarray(8, 12).toString('latin1')).toBe('WAVE')
    // 16-bit mono at 24 kHz: two seconds of speech is ~96,000 bytes of samples (SILK pads the last frame).
    expect(wav.body.readUInt32LE(40)).toBeGreaterThanOrEqual(2 * 24_000 * 2)
    const original = await fetchMedia(`${url}?download=1`)
    expect(original).toMatchObject({ status: 200, type: 'application/octet-stream' })
    expect(original.disposition).toMatch(/^attachment; /u)
    expect(original.body.equals(silk)).toBe(true)
  })

  it('offers a document only as a download under its own name, and never renders a disguised SVG as a picture', async () => {
    t = await startTestApp(await makeWorkdir())
    const { world } = t
    const pdf = makePdf()
    send(world.bob, pdf, '发票.pdf')
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')
    send(world.bob, svg, 'evil.png')
    await handled(2)
    const rows = await mediaRows(world.bob.id)
    expect(rows.map((r) => [r.kind, r.mime_type, r.file_name])).toEqual(expect.arrayContaining([['file', 'application/pdf', '发票.pdf'], ['image', 'application/octet-stream', 'evil.png']]))
    const text = await t.app.db.selectFrom('messages').select('text').where('id', '=', rows.find((r) => r.kind === 'file')!.message_id).executeTakeFirstOrThrow()
    expect(text.text).toBe('[文件] 发票.pdf')
    for (const row of rows) {
      const served = await fetchMedia(`/api/messages/${encodeURIComponent(row.message_id)}/media/0`)
      expect(served).toMatchObject({ status: 200, type: 'application/octet-stream' })
      expect(served.disposition).toMatch(/^attachment; /u)
    }
  })

  it('records a file over QUNDESK_MEDIA_MAX_MB by name and size only, and says so instead of serving it', async () => {
    t = await startTestApp(await makeWorkdir(), { env: { QUNDESK_MEDIA_MAX_MB: '0.01' } }) // ~10 KB
    t.world.ask(t.world.alice, '看下这个文件')
    await handled(1)
    const big = Buffer.concat([makePdf(), Buffer.alloc(50_000, 0x20)])
    send(t.world.alice, big, 'big.pdf')
    const item = await waitFor(async () => (await t!.app.suggestions.list({ status: 'pending' })).find((s) => s.question.startsWith('[文件]')))
    const [row] = await mediaRows(t.world.alice.id)
    expect(row).toMatchObject({ status: 'too_large', content: null, file_name: 'big.pdf' })
    const served = await fetchMedia(`/api/messages/${encodeURIComponent(item.messageId)}/media/0`)
    expect(served.status).toBe(404)
    expect(JSON.parse(served.body.toString('utf8'))).toMatchObject({ error: 'not_found', message: '文件过大，没有保存' })
  })

  it('refuses the media route without a login, and for a message or position that does not exist', async () => {
    t = await startTestApp(await makeWorkdir())
    send(t.world.bob, makePng(2, 2), 'a.png')
    await handled(1)
    const [row] = await mediaRows(t.world.bob.id)
    const url = `/api/messages/${encodeURIComponent(row!.message_id)}/media/0`
    expect((await fetch(`${t.app.url}${url}`)).status).toBe(401)
    expect((await fetchMedia(`/api/messages/${encodeURIComponent(row!.message_id)}/media/1`)).status).toBe(404)
    expect((await fetchMedia('/api/messages/wechaty%3Anope/media/0')).status).toBe(404)
    expect((await fetchMedia(`/api/messages/${encodeURIComponent(row!.message_id)}/media/-1`)).status).toBe(400)
  })
})

describe('media under the privacy rules', () => {
  it('seals the bytes with QUNDESK_CONTENT_KEYS, purges them with the message content, and erasure deletes them', async () => {
    const work = await makeWorkdir()
    t = await startTestApp(work, { env: { QUNDESK_CONTENT_KEYS: newContentKeyEntry('k1') } })
    const { world, app } = t
    const png = makePng(5, 5)
    send(world.alice, png, '私人照片.png')
    send(world.bob, makePng(6, 6), 'bob.png')
    await handled(2)
    const raw = openRawDb(work)
    try {
      const stored = await raw.selectFrom('message_media').select(['content', 'file_name']).execute()
      for (const row of stored) {
        expect(row.content).toMatch(/^qdenc1:k1:/u)
        expect(row.file_name).toMatch(/^qdenc1:k1:/u)
      }
    } finally {
      await raw.destroy()
    }
    // Through the app the bytes read back as sent.
    const [alice] = await mediaRows(world.alice.id)
    expect(Buffer.from(alice!.content!, 'base64').equals(png)).toBe(true)

    // Retention: everything sent before a cutoff in the future is old enough.
    const future = () => new Date(Date.now() + 400 * 86_400_000)
    const summary = await createRetention({ db: app.db, clock: future, logger: createLogger({ level: 'silent' }), retentionDays: 1 }).purge()
    expect(summary.media).toBe(2)
    expect(await app.db.selectFrom('message_media').select(['status', 'content', 'file_name', 'sha256']).execute())
      .toEqual([{ status: 'purged', content: null, file_name: '', sha256: null }, { status: 'purged', content: null, file_name: '', sha256: null }])

    const summaryErase = await createMemberPrivacy({ db: app.db, clock: systemClock }).erase(world.alice.id, 'test')
    expect(summaryErase).toMatchObject({ media: 1 })
    expect(await mediaRows(world.alice.id)).toEqual([])
    expect(await app.db.selectFrom('message_media').select('sender_id').execute()).toEqual([{ sender_id: world.bob.id }])
  })

  it('exports a member\'s files with their bytes (PIPL access right)', async () => {
    t = await startTestApp(await makeWorkdir())
    const png = makePng(7, 7)
    send(t.world.alice, png, 'mine.png')
    await handled(1)
    const exported = await createMemberPrivacy({ db: t.app.db, clock: systemClock }).exportData(t.world.alice.id, 'test')
    expect(exported.media).toEqual([expect.objectContaining({ kind: 'image', fileName: 'mine.png', mimeType: 'image/png', content: png.toString('base64') })])
  })
})
