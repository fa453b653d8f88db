import { randomBytes } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import { fetchAibotMedia, fileNameOf } from '../../../../src/channels/wecom/fetch-aibot-media.js'
import { encryptLikeWecom, startAibotMediaServer, type MediaRoute } from '../../../support/aibot-media-server.js'

const KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG'
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(500)])
const PDF = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(300)])

let server: Awaited<ReturnType<typeof startAibotMediaServer>> | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})
async function serve(routes: Record<string, MediaRoute>) {
  server = await startAibotMediaServer(routes)
  return server
}

describe('fetchAibotMedia', () => {
  it('downloads and decrypts a picture; the type comes from the bytes', async () => {
    const s = await serve({ '/img': { body: encryptLikeWecom(PNG, KEY) } })
    const { media, problem } = await fetchAibotMedia({ kind: 'image', url: s.url('/img'), encodingAesKey: KEY, maxBytes: 1024 * 1024 })
    expect(problem).toBeUndefined()
    expect(media).toEqual({ kind: 'image', fileName: 'image.png', mimeType: 'image/png', data: PNG, size: PNG.length })
  })

  it('uses the message\'s own aeskey when it has one', async () => {
    const own = randomBytes(32)
    const s = await serve({ '/img': { body: encryptLikeWecom(PNG, own) } })
    const { media } = await fetchAibotMedia({ kind: 'image', url: s.url('/img'), aesKey: own.toString('base64'), encodingAesKey: KEY, maxBytes: 1024 * 1024 })
    expect(media.data).toEqual(PNG)
  })

  it('names a file from Content-Disposition (made safe), its type sniffed', async () => {
    const s = await serve({ '/f': { body: encryptLikeWecom(PDF, KEY), headers: { 'content-disposition': `attachment; filename="x.pdf"; filename*=UTF-8''${encodeURIComponent('../发票\u202E.pdf')}` } } })
    const { media } = await fetchAibotMedia({ kind: 'file', url: s.url('/f'), encodingAesKey: KEY, maxBytes: 1024 * 1024 })
    expect(media).toMatchObject({ kind: 'file', fileName: '发票.pdf', mimeType: 'application/pdf', data: PDF })
  })

  it.each<[string, MediaRoute | undefined, RegExp]>([
    ['a 404', undefined, /HTTP 404/],
    ['a 500', { status: 500 }, /HTTP 500/],
    ['bytes encrypted with another key', { body: encryptLikeWecom(PNG, Buffer.alloc(32, 7)) }, /does not decrypt with this key/],
    ['an unencrypted file', { body: PNG }, /not whole AES blocks/],
    ['a redirect to plain http', { redirect: 'http://127.0.0.1:1/elsewhere' }, /redirected to http: \(only https is followed\)/],
  ])('records %s as unavailable, saying why', async (_name, route, problem) => {
    const s = await serve(route ? { '/x': route } : {})
    const result = await fetchAibotMedia({ kind: 'image', url: s.url('/x'), encodingAesKey: KEY, maxBytes: 1024 * 1024 })
    expect(result.media).toEqual({ kind: 'image', fileName: 'image', mimeType: 'application/octet-stream', data: null, size: null, missing: 'unavailable' })
    expect(result.problem).toMatch(problem)
    expect(result.problem).not.toContain('secret-download-credential')
  })

  it('gives up on a stalled download after its timeout', async () => {
    const s = await serve({ '/slow': { hang: true } })
    const started = Date.now()
    const result = await fetchAibotMedia({ kind: 'image', url: s.url('/slow'), encodingAesKey: KEY, maxBytes: 1024, timeoutMs: 200 })
    expect(Date.now() - started).toBeLessThan(5000)
    expect(result.media.missing).toBe('unavailable')
    expect(result.problem).toBe('the download took longer than 200 ms')
  })

  it('records a connection refused as unavailable', async () => {
    const s = await serve({})
    const url = s.url('/x')
    await s.close()
    server = undefined
    const result = await fetchAibotMedia({ kind: 'file', url, encodingAesKey: KEY, maxBytes: 1024 })
    expect(result.media).toMatchObject({ kind: 'file', fileName: 'file', data: null, missing: 'unavailable' })
    expect(result.problem).toMatch(/ECONNREFUSED/)
  })

  it('keeps only the size of a file over the cap', async () => {
    const big = randomBytes(4096)
    const s = await serve({ '/big': { body: encryptLikeWecom(big, KEY) } })
    const { media } = await fetchAibotMedia({ kind: 'file', url: s.url('/big'), encodingAesKey: KEY, maxBytes: 1000 })
    expect(media).toMatchObject({ kind: 'file', data: null, missing: 'too_large', size: 4096 + 32 })
  })

  it('refuses a URL that is not https (nor loopback http) without fetching it', async () => {
    const result = await fetchAibotMedia({ kind: 'image', url: 'http://example.com/a.png', encodingAesKey: KEY, maxBytes: 1024 })
    expect(result).toMatchObject({ media: { missing: 'unavailable' }, problem: 'the download URL is not https' })
  })

  it('records the file as unavailable when no key is configured', async () => {
    const result = await fetchAibotMedia({ kind: 'image', url: 'https://example.invalid/a', encodingAesKey: undefined, maxBytes: 1024 })
    expect(result.problem).toMatch(/QUNDESK_WECOM_AIBOT_ENCODING_AES_KEY/)
  })
})

describe('fileNameOf', () => {
  it.each<[string | null, string | undefined]>([
    [null, undefined],
    ['attachment', undefined],
    ['attachment; filename="invoice.pdf"', 'invoice.pdf'],
    ['attachment; filename=plain.txt', 'plain.txt'],
    [`attachment; filename*=UTF-8''%E5%8F%91%E7%A5%A8.pdf`, '发票.pdf'],
    [`attachment; filename="fallback.pdf"; filename*=UTF-8''%E5%8F%91%zz`, 'fallback.pdf'],
  ])('%s -> %s', (header, name) => {
    expect(fileNameOf(header)).toBe(name)
  })
})
