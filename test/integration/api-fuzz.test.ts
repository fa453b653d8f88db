import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { verifyChain } from '../../src/storage/audit-chain.js'
import { iterateAudit } from '../../src/storage/audit.repository.js'
import { prng, type Prng } from '../support/fuzz-generators.js'
import { makeWorkdir, startTestApp, TEST_TOKEN, useRules, waitFor, type TestApp } from './test-context.js'

/**
 * Thousands of random and mutated requests at every route of the console and API, through Fastify's inject (no
 * sockets) for speed, with every kind of caller: nobody, a wrong token, the bearer token, an agent's and an admin's
 * session (with and without the CSRF token). Deterministic (seeded PRNG; the seed and the request are printed on a
 * failure). Properties: never a 5xx; every 4xx from /api/ is JSON `{ error, message }` with a message; no
 * unhandled rejection; and afterwards the database still holds together (suggestion states, the audit chain).
 */

const SEED = 0x41504946
const REQUESTS = 3000
const PASSWORD = '一个足够长的密码-0123'

type Method = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
interface Route { url: string; methods: Method[] }
interface Session { cookie: string; csrf: string; name: string }

/**
 * Every route the server has, read from `printRoutes()`, so a route added later is fuzzed too. Lines look like
 * `│   └── /:id (GET, HEAD)`: each level indents by four characters and adds its segment to its parent's path.
 */
function listRoutes(tree: string): Route[] {
  const routes: Route[] = []
  const stack: string[] = []
  for (const line of tree.split('\n')) {
    const match = /^([│ ├└─]*)(\S.*?)(?: \(([A-Z, ]+)\))?$/.exec(line)
    if (!match) continue
    const level = match[1]!.length / 4
    const url = (stack[level - 1] ?? '') + match[2]!
    stack[level] = url
    stack.length = level + 1
    if (match[3]) routes.push({ url: url.replace(/\/{2,}/g, '/'), methods: match[3].split(', ') as Method[] })
  }
  return routes
}

// Values that break naive code: numbers past every limit, JS-special names, encodings, markup, SQL, huge text.
const NASTY = [
  '', ' ', '0', '-0', '-1', '1', '2', '3', '1.5', '1e3', '1e308', '1e999', '-1e999', 'Infinity', 'NaN', '0x10', '99999999999999999999999', '9007199254740993',
  'true', 'false', 'null', 'undefined', '[]', '{}', '__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty',
  'pending', 'sending', 'sent', 'rejected', 'failed', 'agent', 'admin', 'daily', 'groups', 'rows', 'unanswered', 'unmatched',
  '2026-11-23', '2026-02-30', '0000-00-00', '9999-12-31', '1970-01-01', '2026-11-23T00:00:00Z',
  '客服', '成员', '新成员', 'VIP', '😀', '\u0000', '\uFEFF', '\u202E', "' OR 1=1 --", '"; DROP TABLE users; --', '<script>alert(1)</script>', '../../../etc/passwd',
  'https://evil.example/a', 'http://localhost/', 'javascript:alert(1)', '//evil.example', '/\\evil', '%00', '%', '%E0%A4%A', '%zz', 'a'.repeat(300), '字'.repeat(2000),
]
/**
 * What each route reads, so most requests get past the schema and reach the handler: query keys, body fields and
 * the values worth trying for each (valid ones, the edges of each limit, and wrong types). Routes missing here
 * (added later) are still fuzzed, with every known key.
 */
const ROUTE_FIELDS: Record<string, { query?: string[]; body?: string[] }> = {
  'GET /api/suggestions': { query: ['status', 'groupId', 'limit'] },
  'POST /api/suggestions/:id/send': { body: ['text', 'actor'] },
  'POST /api/suggestions/:id/reject': { body: ['reason', 'actor'] },
  'POST /api/suggestions/:id/fix-intent': { body: ['intentId', 'actor'] },
  'POST /api/suggestions/:id/mark-sent': { body: ['text', 'via'] },
  'POST /api/session': { body: ['name', 'password'] },
  'POST /api/users': { body: ['name', 'role', 'password'] },
  'PATCH /api/users/:id': { body: ['role', 'disabled', 'password'] },
  'GET /api/audit': { query: ['limit', 'before'] },
  'PUT /api/settings': { body: ['slaMinutes', 'outreachPerGroupPerHour'] },
  'GET /api/members': { query: ['tag', 'lifecycle', 'groupId', 'q', 'includeLeft', 'limit', 'offset'] },
  'POST /api/members/:id/tags': { body: ['groupId', 'tag'] },
  'DELETE /api/members/:id/tags/:tag': { query: ['groupId'] },
  'GET /api/tags': { query: ['groupId'] },
  'GET /api/tags/distribution': { query: ['days'] },
  'GET /api/reports': { query: ['from', 'to', 'groupId'] },
  'GET /api/reports/:table.csv': { query: ['from', 'to', 'groupId'] },
  'GET /api/wecom/jsapi-signature': { query: ['url'] },
  'GET /login': { query: ['next'] },
}
const ALL_QUERY_KEYS = [...new Set(Object.values(ROUTE_FIELDS).flatMap((f) => f.query ?? []))]
const ALL_BODY_KEYS = [...new Set(Object.values(ROUTE_FIELDS).flatMap((f) => f.body ?? []))]
const EXTRA_KEYS = ['__proto__', 'constructor', 'prototype', 'a[b]', 'limit[]', 'x', '']
const CONTENT_TYPES = ['application/json', 'application/json; charset=utf-8', 'APPLICATION/JSON', 'application/json; charset=latin1', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', 'application/vnd.api+json', '', 'application/json;', '*/*']

/** Percent-encodes most of the time; sometimes leaves the value raw (broken escapes, spaces, #). */
function encode(r: Prng, value: string): string {
  return r.chance(0.85) ? encodeURIComponent(value) : value.replace(/[#?&\s]/g, (c) => encodeURIComponent(c))
}

interface Pools { suggestionIds: number[]; userIds: number[]; memberIds: string[]; groupIds: string[]; intentIds: string[]; tags: string[] }

/** Values worth trying for a field: valid ones, the edges of its limits, and what coercion turns into a number. */
function fieldValues(field: string, pools: Pools): unknown[] {
  const numbers = (...edges: number[]) => [...edges, ...edges.map(String), '1e999', '-1e999', 'Infinity', 'NaN', '1.5', '1e3', '0x10', '', 'abc', null, true, [2], 1e308]
  switch (field) {
    case 'status': return ['pending', 'sending', 'sent', 'rejected', 'failed', 'PENDING', '']
    case 'groupId': return [...pools.groupIds, ...pools.groupIds, 'other@chatroom', '', 'x'.repeat(200), 'x'.repeat(201), 42]
    case 'limit': return numbers(1, 50, 200, 201, 1000, 1001, 0, -1)
    case 'offset': return numbers(0, 1, 1_000_000, 1_000_001, -1)
    case 'days': return numbers(1, 30, 366, 367, 0)
    case 'before': return numbers(1, 5, 2 ** 31, 0)
    case 'from': case 'to': return ['2026-11-01', '2026-11-30', '2026-02-30', '1000-01-01', '9999-12-31', '0000-00-00', '2026-1-1', '', 'today']
    case 'q': return ['张', '张三', '%', '_', "'", '\\', '', ' ', 'x'.repeat(64), 'x'.repeat(65)]
    case 'tag': return [...pools.tags, ...pools.tags, '', ' ', 'x'.repeat(30), 'x'.repeat(31), '__proto__', 42]
    case 'lifecycle': return ['新成员', '活跃', '沉默', '', 'x'.repeat(31)]
    case 'includeLeft': return ['true', 'false', '1', '0', 'yes', '', true]
    case 'url': return ['https://x.example/sidebar', 'http://a.b', 'https://x.example/#frag', 'ftp://x.example', 'https://', 'x'.repeat(2049)]
    case 'next': return ['/', '/reports', '//evil.example', '/\\evil', 'https://evil.example', '%E0', '']
    case 'text': return ['好的，马上处理', '', ' ', 'x'.repeat(4000), 'x'.repeat(4001), 42, null, { a: 1 }]
    case 'actor': return ['小王', '', 'x'.repeat(64), 'x'.repeat(65), 'api', 'bot:1', 7]
    case 'reason': return ['不合适', '', 'x'.repeat(500), 'x'.repeat(501), null]
    case 'intentId': return [...pools.intentIds, 'no.such.intent', '', 'x'.repeat(201), '__proto__', 1]
    case 'via': return ['wecom-sidebar', 'manual', 'email', '']
    // Never the two users whose sessions drive the fuzzing: failed logins would lock them out.
    case 'name': return ['临时工', 'nobody', '新同事', '新同事2', '', ' ', 'api', 'bot:1', 'a b', 'x'.repeat(32), 'x'.repeat(33), 'x'.repeat(65), 1]
    case 'role': return ['agent', 'admin', 'root', '', null]
    case 'password': return [PASSWORD, 'short', '', 'x'.repeat(256), 'x'.repeat(257), 1234567890]
    case 'disabled': return [true, false, 'true', 0, null]
    case 'slaMinutes': return numbers(1, 15, 1440, 1441, 0)
    case 'outreachPerGroupPerHour': return numbers(1, 3, 60, 61, 0)
    default: return NASTY
  }
}

function randomValue(r: Prng, pools: Pools): string {
  const roll = r.int(10)
  if (roll < 4) return r.pick(NASTY)
  if (roll < 5) return String(r.pick(pools.suggestionIds.length ? pools.suggestionIds : [1]))
  if (roll < 6) return r.pick([...pools.memberIds, ...pools.groupIds, ...pools.intentIds, ...pools.tags])
  if (roll < 7) return String(r.int(2000) - 100)
  if (roll < 8) return Array.from({ length: r.int(12) }, () => String.fromCharCode(r.int(0x3000))).join('')
  if (roll < 9) return 'x'.repeat(r.pick([31, 65, 201, 257, 501, 4001, 70_000]))
  return r.pick(['wecom-sidebar', 'manual', 'tag_added', 'logistics.track', 'complaint.*', '*'])
}

function randomJson(r: Prng, pools: Pools, depth = 0): unknown {
  const roll = r.int(depth > 3 ? 5 : 7)
  if (roll < 2) return randomValue(r, pools)
  if (roll < 3) return r.pick([0, -1, 1, 1.5, 1e308, -1e308, 2 ** 53 + 1, ...pools.suggestionIds, ...pools.userIds])
  if (roll < 4) return r.pick([true, false, null])
  if (roll < 5) return r.pick(fieldValues(r.pick(ALL_BODY_KEYS), pools))
  if (roll < 6) return Array.from({ length: r.int(4) }, () => randomJson(r, pools, depth + 1))
  const obj: Record<string, unknown> = {}
  for (let i = r.int(4); i > 0; i--) obj[r.pick([...ALL_BODY_KEYS, ...EXTRA_KEYS])] = randomJson(r, pools, depth + 1)
  return obj
}

/** A body: usually the fields the route reads with values worth trying, sometimes anything, sometimes not JSON. */
function randomBody(r: Prng, pools: Pools, fields: string[]): string | undefined {
  const roll = r.int(20)
  if (roll < 1) return undefined
  if (roll < 2) return ''
  if (roll < 3) return r.pick(['{', '{"text":', '[1,', 'nul', '{"a":1}}', '\uFEFF{}', '{"text":"a"}\u0000', '{"__proto__":{"polluted":1},"text":"x"}', '{"constructor":{"prototype":{"polluted":1}}}', 'a=1&b=2', '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--x--'])
  if (roll < 4) return `${'['.repeat(r.pick([100, 5000, 20_000]))}${r.chance(0.5) ? ']'.repeat(100) : ''}`
  if (roll < 5) return `{"${r.pick(fields.length ? fields : ALL_BODY_KEYS)}":${r.pick(['1e999', '-0', '1e-400', '123456789012345678901234567890', '0.1e1', '"x"', `"${'x'.repeat(70_000)}"`])}}`
  if (roll < 6) return JSON.stringify(randomJson(r, pools))
  const obj: Record<string, unknown> = {}
  for (const field of fields.length ? fields : [r.pick(ALL_BODY_KEYS)]) if (r.chance(0.8)) obj[field] = r.chance(0.85) ? r.pick(fieldValues(field, pools)) : randomJson(r, pools)
  if (r.chance(0.1)) obj[r.pick([...ALL_BODY_KEYS, ...EXTRA_KEYS])] = randomJson(r, pools)
  return JSON.stringify(obj)
}

type Caller = 'nobody' | 'wrong-token' | 'bearer' | 'agent' | 'admin' | 'admin-no-csrf' | 'garbage-cookie'
const CALLERS: Caller[] = ['nobody', 'wrong-token', 'bearer', 'bearer', 'agent', 'agent', 'admin', 'admin', 'admin', 'admin-no-csrf', 'garbage-cookie']

let t: TestApp
let routes: Route[]
const sessions = new Map<'agent' | 'admin', Session>()
const pools: Pools = { suggestionIds: [], userIds: [], memberIds: [], groupIds: [], intentIds: [], tags: ['VIP', '新成员'] }
let protectedUserIds: number[] = []
let loginCount = 0
/**
 * The app's clock: a simulated second passes before each fuzzed request, as for a client pacing itself, so the
 * rate limit (20/s per caller) never answers 429 before the handlers are reached, and nothing depends on timing.
 */
let now = Date.now()

/** Logs a console user in through the route (a fresh client address each time, so login throttling never bites). */
async function logIn(name: string): Promise<Session> {
  const res = await t.app.http.inject({ method: 'POST', url: '/api/session', remoteAddress: `10.9.${loginCount >> 8}.${loginCount++ & 255}`, headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ name, password: PASSWORD }) })
  if (res.statusCode !== 200) throw new Error(`login as ${name} failed: ${res.statusCode} ${res.body}`)
  const cookie = String(res.headers['set-cookie']).split(';')[0]!
  return { cookie, csrf: (JSON.parse(res.body) as { csrfToken: string }).csrfToken, name }
}

beforeAll(async () => {
  const work = await makeWorkdir()
  await useRules(work, 'valid')
  t = await startTestApp(work, { clock: () => new Date(now) })
  const admin = await t.app.auth.addUser({ name: '老板', role: 'admin', password: PASSWORD, actor: 'test' })
  const agent = await t.app.auth.addUser({ name: '小王', role: 'agent', password: PASSWORD, actor: 'test' })
  const victim = await t.app.auth.addUser({ name: '临时工', role: 'agent', password: PASSWORD, actor: 'test' })
  // Fuzzed PATCHes may change anyone but the two users whose sessions drive the fuzzing.
  protectedUserIds = [admin.id, agent.id]
  pools.userIds = [victim.id, 999_999]
  sessions.set('admin', await logIn('老板'))
  sessions.set('agent', await logIn('小王'))
  for (const question of ['我的快递到哪了', '能开发票吗', '退款什么时候到账', '你们几点上班', '转人工', '怎么查物流']) t.world.ask(t.world.alice, question)
  const pending = await waitFor(async () => {
    const list = await t.app.suggestions.list({ status: 'pending' })
    return list.length >= 4 ? list : undefined
  })
  pools.suggestionIds = pending.map((s) => s.id)
  pools.memberIds = [t.world.alice.id, t.world.bob.id]
  pools.groupIds = [t.world.room.id]
  pools.intentIds = t.app.knowledge.current().kb.intents.map((i) => i.id)
  routes = listRoutes(t.app.http.printRoutes({ commonPrefix: false }))
}, 60_000)
afterAll(async () => t?.stop())

/** One random request at one route. */
function fuzzRequest(r: Prng, route: Route): { method: Method; url: string; headers: Record<string, string>; payload?: string; remoteAddress: string; caller: Caller } {
  const method = r.chance(0.95) ? r.pick(route.methods) : r.pick(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as Method[])
  let path = route.url.replace(/:(\w+)(\.csv)?/g, (_m, name: string, ext: string | undefined) => {
    let value: string
    if (name === 'id' && route.url.startsWith('/api/suggestions')) value = r.chance(0.6) ? String(r.pick(pools.suggestionIds)) : randomValue(r, pools)
    else if (name === 'id' && route.url.startsWith('/api/users')) value = r.chance(0.5) ? String(r.pick(pools.userIds)) : r.pick(['0', '-1', 'abc', '1e999', '1.5', '99999999999999999999', String(r.int(50))].filter((v) => !protectedUserIds.includes(Number(v))))
    else if (name === 'id') value = r.chance(0.5) ? r.pick(pools.memberIds) : randomValue(r, pools)
    else if (name === 'table') value = r.chance(0.6) ? r.pick(['daily', 'groups', 'rows', 'intents', 'agents', 'unanswered', 'unmatched']) : randomValue(r, pools)
    else if (name === 'name') value = r.chance(0.5) ? r.pick(['app.css', 'chart.umd.min.js', 'queue.js']) : randomValue(r, pools)
    else value = r.chance(0.5) ? r.pick(pools.tags) : randomValue(r, pools)
    return encode(r, value) + (ext ?? '')
  })
  if (r.chance(0.03)) path = path.replace(/\/$/, '') + r.pick(['/', '//', '/..', '/%2e%2e', '/extra', '?', '#frag'])
  const fields = ROUTE_FIELDS[`${method} ${route.url}`] ?? ROUTE_FIELDS[`${route.methods[0]} ${route.url}`] ?? { query: ALL_QUERY_KEYS, body: ALL_BODY_KEYS }
  const queryKeys = fields.query ?? []
  const pairs: string[] = []
  for (let i = r.chance(0.3) ? 0 : 1 + r.int(queryKeys.length + 1); i > 0; i--) {
    const roll = r.int(20)
    const key = roll < 16 && queryKeys.length ? r.pick(queryKeys) : roll < 18 ? r.pick(ALL_QUERY_KEYS) : r.pick(EXTRA_KEYS)
    const value = r.chance(0.8) ? r.pick(fieldValues(key, pools)) : randomValue(r, pools)
    pairs.push(r.chance(0.03) ? encode(r, key) : `${encode(r, key)}=${encode(r, typeof value === 'string' ? value : JSON.stringify(value) ?? '')}`)
  }
  const caller = route.url === '/api/events' ? r.pick(['nobody', 'wrong-token', 'garbage-cookie'] as Caller[]) : r.pick(CALLERS)
  const headers: Record<string, string> = {}
  if (caller === 'wrong-token') headers.authorization = r.pick(['Bearer wrong-token-0123456789', 'Bearer ', 'Basic YTpi', `Bearer ${TEST_TOKEN} extra`, 'bearer', `Bearer ${'x'.repeat(5000)}`])
  if (caller === 'bearer') headers.authorization = `Bearer ${TEST_TOKEN}`
  if (caller === 'garbage-cookie') headers.cookie = r.pick(['qundesk_session=abc', 'qundesk_session=', 'qundesk_session=%E0%A4%A', `qundesk_session=${'a'.repeat(200)}`, 'qundesk_session="x"; qundesk_session=y', '=;;=', 'qundesk_session=\u00ff'])
  if (caller === 'agent' || caller === 'admin' || caller === 'admin-no-csrf') {
    const session = sessions.get(caller === 'agent' ? 'agent' : 'admin')!
    headers.cookie = session.cookie
    if (caller !== 'admin-no-csrf') headers['x-csrf-token'] = r.chance(0.95) ? session.csrf : r.pick(['', 'wrong', sessions.get('agent')!.csrf])
  }
  // Login checks the Origin header against the host (login CSRF): worth many tries there.
  if (r.chance(route.url === '/api/session' ? 0.4 : 0.05)) headers.origin = r.pick(['null', 'x', 'https://evil.example', 'http://localhost', '://', 'http://[::1', `http://${'a'.repeat(300)}.example`])
  if (r.chance(0.03)) headers['if-none-match'] = r.pick(['*', '"abc"', 'W/"x"'])
  let payload: string | undefined
  if (method !== 'GET' && method !== 'HEAD' && r.chance(0.85)) {
    payload = randomBody(r, pools, fields.body ?? [])
    const type = r.chance(0.8) ? 'application/json' : r.pick(CONTENT_TYPES)
    if (payload !== undefined && type !== '') headers['content-type'] = type
  }
  return { method, url: pairs.length ? `${path}?${pairs.join('&')}` : path, headers, ...(payload !== undefined ? { payload } : {}), remoteAddress: `192.0.${r.int(4)}.${r.int(256)}`, caller }
}

describe('every API route under fuzzing', () => {
  it(`${REQUESTS} random requests: no 5xx, every 4xx a JSON error with a message, no unhandled rejection, nothing half-written`, async () => {
    expect(routes.length).toBeGreaterThan(25)
    const rejections: unknown[] = []
    const onRejection = (reason: unknown) => rejections.push(reason)
    process.on('unhandledRejection', onRejection)
    const r = prng(SEED)
    const statuses = new Map<number, number>()
    try {
      for (let i = 0; i < REQUESTS; i++) {
        const route = r.pick(routes)
        const request = fuzzRequest(r, route)
        const { caller, ...options } = request
        now += 1000
        const res = await t.app.http.inject(options)
        statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1)
        const where = `request #${i} (seed ${SEED}, caller ${caller}): ${request.method} ${request.url.slice(0, 300)} ${JSON.stringify(request.headers).slice(0, 300)} body ${String(request.payload).slice(0, 300)}`
        if (res.statusCode >= 500) throw new Error(`${res.statusCode} for ${where}: ${res.body.slice(0, 300)}`)
        if (res.statusCode >= 400 && request.method !== 'HEAD' && options.url.startsWith('/api/')) {
          let body: { error?: unknown; message?: unknown } | undefined
          try {
            body = JSON.parse(res.body) as typeof body
          } catch {
            throw new Error(`${res.statusCode} without a JSON body for ${where}: ${res.body.slice(0, 200)}`)
          }
          if (typeof body?.error !== 'string' || typeof body.message !== 'string' || body.message.trim() === '') throw new Error(`${res.statusCode} without { error, message } for ${where}: ${res.body.slice(0, 200)}`)
        }
        // A fuzzed logout or a role change may end a driving session: log in again and go on.
        if (res.statusCode === 401 && (caller === 'agent' || caller === 'admin' || caller === 'admin-no-csrf')) {
          const which = caller === 'agent' ? 'agent' : 'admin'
          sessions.set(which, await logIn(sessions.get(which)!.name))
        }
      }
      // Let work started by the requests (sends, retraining, re-tagging) settle before looking at the database.
      await new Promise((resolve) => setTimeout(resolve, 200))
    } finally {
      process.off('unhandledRejection', onRejection)
    }
    expect(rejections.map(String)).toEqual([])
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    // The fuzzing reached the handlers, not only the guards: successes, refusals of every kind.
    for (const status of [200, 400, 401, 403, 404]) expect(statuses.get(status) ?? 0, `status ${status} in ${JSON.stringify([...statuses])}`).toBeGreaterThan(20)
  }, 180_000)

  it('leaves the database consistent: valid suggestion states, complete decisions, an unbroken audit chain, an admin', async () => {
    const db = t.app.db
    const suggestions = await db.selectFrom('suggestions').selectAll().execute()
    expect(suggestions.length).toBeGreaterThanOrEqual(4)
    for (const s of suggestions) {
      expect(['pending', 'sending', 'sent', 'rejected', 'failed'], `suggestion #${s.id}`).toContain(s.status)
      if (s.status === 'sent') expect({ id: s.id, decidedBy: s.decided_by !== null, repliedAt: s.replied_at !== null, decision: s.decision !== null }).toEqual({ id: s.id, decidedBy: true, repliedAt: true, decision: true })
      if (s.status === 'rejected') expect({ id: s.id, decidedBy: s.decided_by !== null, decision: s.decision }).toEqual({ id: s.id, decidedBy: true, decision: 'rejected' })
      if (s.status === 'pending') expect({ id: s.id, decision: s.decision }).toEqual({ id: s.id, decision: null })
    }
    expect(await verifyChain(iterateAudit(db))).toMatchObject({ ok: true })
    const admins = await db.selectFrom('users').select(sql<number>`COUNT(*)`.as('n')).where('role', '=', 'admin').where('disabled', '=', 0).executeTakeFirstOrThrow()
    expect(admins.n).toBeGreaterThanOrEqual(1)
    const settings = JSON.parse((await t.app.http.inject({ method: 'GET', url: '/api/settings', headers: { authorization: `Bearer ${TEST_TOKEN}` } })).body) as { slaMinutes: number; outreachPerGroupPerHour: number }
    expect(Number.isInteger(settings.slaMinutes) && settings.slaMinutes >= 1 && settings.slaMinutes <= 1440).toBe(true)
    expect(Number.isInteger(settings.outreachPerGroupPerHour) && settings.outreachPerGroupPerHour >= 1 && settings.outreachPerGroupPerHour <= 60).toBe(true)
    const tags = await db.selectFrom('member_tags').select(['tag', 'source']).execute()
    for (const tag of tags) expect(Array.from(tag.tag).length, tag.tag).toBeLessThanOrEqual(30)
  })

  it('still answers valid requests afterwards', async () => {
    const health = await t.app.http.inject({ method: 'GET', url: '/api/health', headers: { authorization: `Bearer ${TEST_TOKEN}` } })
    expect(health.statusCode).toBe(200)
    const admin = await logIn('老板')
    const users = await t.app.http.inject({ method: 'GET', url: '/api/users', headers: { cookie: admin.cookie } })
    expect(users.statusCode).toBe(200)
  })
})
