import fs from 'node:fs'
import path from 'node:path'
import { encrypt as wecomEncrypt, getSignature } from '@wecom/crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FIXTURES, makeWorkdir, startTestApp, type TestApp } from './test-context.js'
import { prng, type Prng } from '../support/fuzz-generators.js'

/**
 * Thousands of random and mutated requests against the four WeCom callback routes, through Fastify's inject (no
 * sockets) for speed. Deterministic (seeded PRNG). The server must never answer 5xx, never crash, and store only
 * what a validly signed request carried.
 */

const TOKEN = 'QDG6eK'
const AES_KEY = 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C'
const CORP_ID = 'wx5823bf96d3bd56c7'
const AIBOT_TOKEN = 'aibot-token-0123'
const AIBOT_AES_KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG'
const PER_ROUTE = 3000
const WECOM_DIR = path.join(FIXTURES, 'wecom')
const fixtures = (prefix: string, ext: string) => fs.readdirSync(WECOM_DIR).filter((f) => f.startsWith(prefix) && f.endsWith(ext)).map((f) => fs.readFileSync(path.join(WECOM_DIR, f), 'utf8'))

const APP_PAYLOADS = fixtures('valid-', '.xml')
const AIBOT_PAYLOADS = fixtures('valid-', '.json')
const HOSTILE = [...fixtures('evil-', '.xml'), ...fixtures('malformed-', '.xml'), ...fixtures('malformed-', '.json')]

type Random = Prng

const WEIRD = ['', ' ', '+', '%', '%zz', '%00', '\u0000', '&', '=', '#', '?', '\uD83D', '字', '🚚', '\u202E', '<!DOCTYPE x [<!ENTITY a "b">]>', ']]>', '<![CDATA[', '"', '{', '}', '[]', 'null', '\\', '\r\n', 'A'.repeat(50)]

function randomString(r: Random, max: number): string {
  const length = r.int(max)
  let s = ''
  for (let i = 0; i < length; i++) {
    const kind = r.int(4)
    s += kind === 0 ? String.fromCharCode(32 + r.int(95)) : kind === 1 ? String.fromCharCode(r.int(0x10000)) : kind === 2 ? r.pick(WEIRD) : 'ABCDEFabcdef0123456789+/='[r.int(25)]
  }
  return s
}

function mutateString(r: Random, s: string): string {
  const at = r.int(s.length + 1)
  switch (r.int(7)) {
    case 0: return s.slice(0, at) + String.fromCharCode(s.charCodeAt(at) ^ (1 << r.int(7))) + s.slice(at + 1) // flip a bit
    case 1: return s.slice(0, at) // truncate
    case 2: return s.slice(0, at) + r.pick(WEIRD) + s.slice(at) // insert something odd
    case 3: return s.slice(0, at) + s.slice(at, at + 64).repeat(2 + r.int(4)) + s.slice(at) // duplicate a slice
    case 4: return s + 'x'.repeat(r.chance(0.3) ? 65 * 1024 + r.int(8000) : 1000 + r.int(8000)) // huge, sometimes over the 64 KB body limit
    case 5: return s.slice(0, at) + s.slice(at + 1 + r.int(16)) // delete
    default: return randomString(r, 200)
  }
}

type Pair = [string, string]
interface FuzzRequest { method: 'GET' | 'POST'; url: string; body?: string; contentType?: string }

/** Percent-encodes as UTF-8; a lone surrogate becomes U+FFFD first, as it would on the wire. */
const pct = (s: string) => encodeURIComponent(s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD'))

function encodeQuery(r: Random, pairs: Pair[]): string {
  // Mostly well encoded; sometimes raw (stray %, '+', '&', '=') with only non-ASCII bytes encoded, the way a sloppy client sends it.
  if (r.chance(0.15)) return pairs.map(([k, v]) => `${k}=${v}`).join('&').replace(/[^\x21-\x7e]+/g, (c) => pct(c))
  return pairs.map(([k, v]) => `${pct(k)}=${pct(v)}`).join('&')
}

function mutatePairs(r: Random, pairs: Pair[]): Pair[] {
  const out = pairs.map((p) => [...p] as Pair)
  const i = r.int(out.length)
  switch (r.int(6)) {
    case 0: out[i]![1] = mutateString(r, out[i]![1]); break
    case 1: out.splice(i, 1); break // drop a parameter
    case 2: out.push([...out[i]!] as Pair); break // repeat a parameter
    case 3: out.push([out[i]![0], mutateString(r, out[i]![1])]); break // repeat it with another value
    case 4: out[i]![0] = mutateString(r, out[i]![0]); break // rename
    default: out.push([randomString(r, 20), randomString(r, 40)]) // an extra one
  }
  return out
}

const CONTENT_TYPES = [undefined, 'text/xml', 'application/xml', 'application/json', 'text/plain; charset=utf-8', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded', 'application/octet-stream', 'text/xml; charset=gbk', 'nonsense', 'text/', ';;;', 'text/xml; charset']

/** A validly signed request for `plaintext`, then (mostly) a mutation of it. */
function fuzzRequest(r: Random, route: 'app' | 'aibot', method: 'GET' | 'POST'): FuzzRequest {
  const path = route === 'app' ? '/wecom/callback' : '/wecom/aibot'
  const token = route === 'app' ? TOKEN : AIBOT_TOKEN
  const key = route === 'app' ? AES_KEY : AIBOT_AES_KEY
  const receiveId = route === 'app' ? CORP_ID : ''
  if (r.chance(0.08)) {
    // Entirely random.
    return { method, url: `${path}?${encodeQuery(r, [[randomString(r, 12), randomString(r, 60)], ['msg_signature', randomString(r, 45)]])}`, body: method === 'POST' ? (r.chance(0.5) ? randomString(r, 400) : r.pick(HOSTILE)) : undefined, contentType: r.pick(CONTENT_TYPES) }
  }
  let plaintext = method === 'GET' ? String(r.int(1e9)) : route === 'app' ? r.pick(APP_PAYLOADS) : r.pick(AIBOT_PAYLOADS)
  // A forgery: a well-formed payload of our own, encrypted with the right key for the right receiver but signed
  // without the token. Only the signature check stands in the way; if it failed, the oracle below would see the row.
  const forged = r.chance(0.06)
  if (forged) plaintext = method === 'GET' ? `forged-${plaintext}` : route === 'app' ? plaintext.replace('<CreateTime>', '<Forged>1</Forged><CreateTime>') : plaintext.replace('{', '{"forged":1,')
  // Sometimes sign hostile plaintext, or encrypt for the wrong receiver, with the right token: only the checks after the signature stand in the way.
  else if (method === 'POST' && r.chance(0.05)) plaintext = r.pick(HOSTILE)
  // The 16 random bytes come from the PRNG too, so every run sends the same bytes.
  const encrypt = wecomEncrypt(key, plaintext, r.chance(0.05) ? (receiveId ? '' : CORP_ID) : receiveId, Buffer.from(Array.from({ length: 16 }, () => r.int(256))))
  const timestamp = String(1_700_000_000 + r.int(1e8))
  const nonce = String(r.int(1e10))
  let pairs: Pair[] = [['msg_signature', getSignature(forged ? 'forged-token' : token, timestamp, nonce, encrypt)], ['timestamp', timestamp], ['nonce', nonce]]
  if (method === 'GET') pairs.push(['echostr', encrypt])
  let body: string | undefined
  if (method === 'POST') body = route === 'app'
    ? `<xml><ToUserName><![CDATA[${CORP_ID}]]></ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt><AgentID><![CDATA[1000002]]></AgentID></xml>`
    : JSON.stringify({ encrypt })
  let contentType: string | undefined = route === 'app' ? 'text/xml' : 'application/json'

  const mutations = r.chance(0.1) ? 0 : 1 + r.int(3)
  for (let m = 0; m < mutations; m++) {
    const what = r.int(10)
    if (what < 4) pairs = mutatePairs(r, pairs)
    else if (what < 8 && body !== undefined) body = mutateString(r, body)
    else if (what === 8) contentType = r.pick(CONTENT_TYPES)
    else if (body !== undefined) body = route === 'app' ? body.replace('<Encrypt>', r.pick(['<Encrypt/><Encrypt>', '<Encrypt a="1">', '<!DOCTYPE x><Encrypt>', '<Encrypt><Encrypt>'])) : body.replace('{', r.pick(['[{', '{"encrypt":1,', '{"__proto__":{"encrypt":"x"},', '{"encrypt":"AAAA",', '{{']))
    else pairs = mutatePairs(r, pairs)
  }
  return { method, url: `${path}?${encodeQuery(r, pairs)}`, body, contentType }
}

let t: TestApp
beforeAll(async () => {
  t = await startTestApp(await makeWorkdir(), {
    env: {
      QUNDESK_WECOM_CALLBACK_TOKEN: TOKEN, QUNDESK_WECOM_ENCODING_AES_KEY: AES_KEY, QUNDESK_WECOM_CORP_ID: CORP_ID,
      QUNDESK_WECOM_AIBOT_TOKEN: AIBOT_TOKEN, QUNDESK_WECOM_AIBOT_ENCODING_AES_KEY: AIBOT_AES_KEY,
    },
  })
})
afterAll(async () => t?.stop())

describe('WeCom callback routes under fuzzing', () => {
  it.each([
    ['GET /wecom/callback', 'app', 'GET', 1],
    ['POST /wecom/callback', 'app', 'POST', 2],
    ['GET /wecom/aibot', 'aibot', 'GET', 3],
    ['POST /wecom/aibot', 'aibot', 'POST', 4],
  ] as const)(`%s: ${PER_ROUTE} requests, no 5xx, only signed payloads stored`, async (_name, route, method, seed) => {
    const r = prng(seed * 7919)
    const statuses = new Map<number, number>()
    for (let i = 0; i < PER_ROUTE; i++) {
      const request = fuzzRequest(r, route, method)
      const headers: Record<string, string> = request.contentType ? { 'content-type': request.contentType } : {}
      // Each request from its own address: thousands a second from one would (rightly) meet the per-address rate
      // limit (src/console/rate-limit.ts), and this test is about parsing, not limits.
      const remoteAddress = `10.${seed}.${(i >> 8) & 255}.${i & 255}`
      const res = await t.app.http.inject({ method: request.method, url: request.url, headers, remoteAddress, ...(request.body !== undefined ? { payload: request.body } : {}) })
      statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1)
      if (res.statusCode >= 500) throw new Error(`${res.statusCode} for ${request.method} ${request.url.slice(0, 300)} body ${String(request.body).slice(0, 300)}: ${res.body.slice(0, 300)}`)
      if (method === 'GET' && res.statusCode === 200) expect(res.body).toMatch(/^\d+$/)
    }
    const rows = await t.app.db.selectFrom('wecom_callbacks').select(['kind', 'payload']).execute()
    const allowed = new Set([...APP_PAYLOADS, ...AIBOT_PAYLOADS])
    for (const row of rows) expect(allowed.has(row.payload), `stored an unsigned payload: ${row.payload.slice(0, 200)}`).toBe(true)
    // Each fixture at most once (dedupe), and every POST fuzz run stored some.
    expect(rows.filter((row) => row.kind === 'app').length).toBeLessThanOrEqual(APP_PAYLOADS.length)
    expect(rows.filter((row) => row.kind === 'aibot').length).toBeLessThanOrEqual(AIBOT_PAYLOADS.length)
    if (method === 'POST') expect(rows.filter((row) => row.kind === route).length).toBeGreaterThan(0)
    // The fuzzing reached every outcome: accepted, refused as unsigned, refused as malformed.
    expect(statuses.get(200)).toBeGreaterThan(50)
    expect(statuses.get(401)).toBeGreaterThan(50)
    expect(statuses.get(400)).toBeGreaterThan(50)
  })

  it('still answers a valid request afterwards', async () => {
    const encrypt = wecomEncrypt(AES_KEY, '42', CORP_ID)
    const query = new URLSearchParams({ msg_signature: getSignature(TOKEN, '1', '2', encrypt), timestamp: '1', nonce: '2', echostr: encrypt })
    const res = await fetch(`${t.app.url}/wecom/callback?${query}`)
    expect(res.status).toBe(200)
    expect(await res.text()).toBe('42')
  })
})
