import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createWecomApiClient, type WecomApiClientOptions } from '../../../../src/channels/wecom/wecom-api-client.js'
import { explainWecomErrcode, wecomError } from '../../../../src/channels/wecom/wecom-errors.js'
import { fakeGroupChat, startFakeWecom, type FakeWecom } from '../../../support/fake-wecom-server.js'
import { captureLog, fakeTime, rejection } from '../../../support/wecom-test-kit.js'

const CORP_ID = 'ww-test-corp'
const SECRET = 'S3CRET-do-not-log-7f3a9c'
const GET = '/cgi-bin/externalcontact/groupchat/get'
const LIST = '/cgi-bin/externalcontact/groupchat/list'
const GETTOKEN = '/cgi-bin/gettoken'

let wecom: FakeWecom
let time: ReturnType<typeof fakeTime>
let log: ReturnType<typeof captureLog>

beforeEach(async () => {
  wecom = await startFakeWecom({ corpId: CORP_ID, secret: SECRET })
  wecom.state.groups.push(fakeGroupChat('wr-1'), fakeGroupChat('wr-2'))
  time = fakeTime()
  log = captureLog()
})

afterEach(async () => {
  await wecom.close()
})

function client(overrides: Partial<WecomApiClientOptions> = {}) {
  return createWecomApiClient({
    corpId: CORP_ID,
    secret: SECRET,
    baseUrl: wecom.baseUrl,
    clock: time.clock,
    logger: log.logger,
    sleep: time.sleep,
    random: () => 0.5,
    ...overrides,
  })
}

const callsTo = (path: string) => wecom.state.requests.filter((r) => r.path === path).length

describe('access token', () => {
  it('fetches once, reuses it until 5 minutes before expiry, then fetches a new one', async () => {
    const api = client()
    await api.getGroupChat('wr-1')
    await api.getGroupChat('wr-2')
    expect(wecom.state.tokenFetches).toBe(1)

    time.advance((7200 - 300) * 1000 - 1)
    await api.getGroupChat('wr-1')
    expect(wecom.state.tokenFetches).toBe(1)

    time.advance(1)
    await api.getGroupChat('wr-1')
    expect(wecom.state.tokenFetches).toBe(2)
    expect(wecom.state.requests.filter((r) => r.path === GET).map((r) => r.query.access_token)).toEqual([
      wecom.state.issuedTokens[0], wecom.state.issuedTokens[0], wecom.state.issuedTokens[0], wecom.state.issuedTokens[1],
    ])
  })

  it.each([
    { errcode: 42001, expire: (w: FakeWecom) => w.state.expireTokens() },
    { errcode: 40014, expire: (w: FakeWecom) => w.state.revokeTokens() },
  ])('on errcode $errcode drops the token, fetches exactly one new one and retries the call once', async ({ expire }) => {
    const api = client()
    await api.getGroupChat('wr-1')
    expire(wecom)
    const group = await api.getGroupChat('wr-2')
    expect(group.chatId).toBe('wr-2')
    expect(wecom.state.tokenFetches).toBe(2)
    expect(wecom.state.requests.map((r) => r.path)).toEqual([GETTOKEN, GET, GET, GETTOKEN, GET])
  })

  it('gives up after one refresh when WeCom keeps refusing the token', async () => {
    const api = client()
    wecom.state.failNext(2, { errcode: 40014, errmsg: 'invalid access_token' }, { path: GET })
    const error = await rejection(api.getGroupChat('wr-1'))
    expect(error.code).toBe('unauthorized')
    expect(error.message).toContain('40014')
    expect(wecom.state.tokenFetches).toBe(2)
    expect(callsTo(GET)).toBe(2)
  })

  it('shares one gettoken between concurrent callers', async () => {
    const api = client()
    const groups = await Promise.all(['wr-1', 'wr-2', 'wr-1', 'wr-2', 'wr-1'].map((id) => api.getGroupChat(id)))
    expect(groups.map((g) => g.chatId)).toEqual(['wr-1', 'wr-2', 'wr-1', 'wr-2', 'wr-1'])
    expect(wecom.state.tokenFetches).toBe(1)
    expect(callsTo(GETTOKEN)).toBe(1)
  })

  it('concurrent callers refused with the same stale token still fetch only one new token', async () => {
    const api = client()
    await api.getGroupChat('wr-1')
    wecom.state.expireTokens()
    await Promise.all([api.getGroupChat('wr-1'), api.getGroupChat('wr-2'), api.getGroupChat('wr-1')])
    expect(wecom.state.tokenFetches).toBe(2)
  })

  it('explains a wrong secret without looping (gettoken 40001 is not a stale token)', async () => {
    const api = client({ secret: 'wrong-secret' })
    const error = await rejection(api.getGroupChat('wr-1'))
    expect(error.code).toBe('unauthorized')
    expect(error.message).toContain('40001')
    expect(error.message).toContain('QUNDESK_WECOM_SECRET')
    expect(callsTo(GETTOKEN)).toBe(1)
    expect(time.sleeps).toEqual([])
  })

  it('explains a wrong corp id', async () => {
    const error = await rejection(client({ corpId: 'ww-other' }).getAccessToken())
    expect(error.message).toContain('40013')
    expect(error.message).toContain('QUNDESK_WECOM_CORP_ID')
  })
})

describe('transient failures', () => {
  it.each(['network', '500', 'busy'] as const)('retries a %s failure with backoff, then succeeds', async (fault) => {
    const api = client()
    wecom.state.failNext(2, fault, { path: GET })
    const group = await api.getGroupChat('wr-1')
    expect(group.chatId).toBe('wr-1')
    expect(callsTo(GET)).toBe(3)
    expect(time.sleeps).toEqual([200, 800])
    expect(log.lines().filter((l) => l.msg === 'WeCom request failed; retrying')).toHaveLength(2)
  })

  it('retries gettoken too', async () => {
    const api = client()
    wecom.state.failNext(1, 'network', { path: GETTOKEN })
    const token = await api.getAccessToken()
    expect(token).toBe(wecom.state.issuedTokens[0])
    expect(callsTo(GETTOKEN)).toBe(2)
  })

  it('reports channel_unavailable with the cause after the last try', async () => {
    const api = client()
    wecom.state.failNext(3, 'network', { path: GET })
    const error = await rejection(api.getGroupChat('wr-1'))
    expect(error.code).toBe('channel_unavailable')
    expect(error.message).toContain(GET)
    expect(error.message).toContain('尝试 3 次')
    expect(error.cause).toBeInstanceOf(Error)
    expect(error.context).toMatchObject({ path: GET, attempts: 3 })
    expect(callsTo(GET)).toBe(3)
  })

  it('times out a request that gets no answer', async () => {
    const hang: typeof fetch = (_url, init) =>
      new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal!.reason)))
    const error = await rejection(client({ fetch: hang, timeoutMs: 20, attempts: 2 }).getAccessToken())
    expect(error.code).toBe('channel_unavailable')
    expect(error.message).toContain('20 ms 内没有应答')
    expect(time.sleeps).toHaveLength(1)
  })

  it('says so when something other than WeCom answers (wrong base URL)', async () => {
    const error = await rejection(client({ baseUrl: `${wecom.baseUrl}/nowhere` }).getAccessToken())
    expect(error.code).toBe('channel_unavailable')
    expect(error.message).toContain('HTTP 404')
    expect(error.message).toContain('QUNDESK_WECOM_API_BASE')
    expect(time.sleeps).toEqual([])
  })
})

describe('other errcodes', () => {
  it.each([
    { errcode: 48002, code: 'forbidden', words: ['API 接口无权限调用', '可调用应用'] },
    { errcode: 60011, code: 'forbidden', words: ['无权限', '可见范围'] },
    { errcode: 40050, code: 'not_found', words: ['chatid 不存在'] },
    { errcode: 45009, code: 'too_many_requests', words: ['接口调用超过限制'] },
    { errcode: 654321, code: 'bad_request', words: ['654321', 'devtool/query?e=654321'] },
  ])('errcode $errcode is explained and not retried', async ({ errcode, code, words }) => {
    const api = client()
    wecom.state.failNext(1, { errcode, errmsg: `fake errmsg ${errcode}` }, { path: GET })
    const error = await rejection(api.getGroupChat('wr-1'))
    expect(error.code).toBe(code)
    expect(error.message).toContain(String(errcode))
    expect(error.message).toContain(`fake errmsg ${errcode}`)
    for (const word of words) expect(error.message).toContain(word)
    expect(error.context).toMatchObject({ errcode, errmsg: `fake errmsg ${errcode}`, path: GET })
    expect(callsTo(GET)).toBe(1)
    expect(time.sleeps).toEqual([])
  })

  it('an unknown chat id is a clear not_found', async () => {
    const error = await rejection(client().getGroupChat('wr-missing'))
    expect(error.code).toBe('not_found')
  })

  it('has an explanation and a hint for the common errcodes', () => {
    for (const errcode of [-1, 40001, 40013, 40014, 41001, 42001, 45009, 48002, 60011, 60020, 84061, 93000]) {
      const info = explainWecomErrcode(errcode)
      expect(info?.meaning, String(errcode)).toMatch(/\S/)
      expect(info?.hint, String(errcode)).toMatch(/\S/)
    }
    expect(wecomError(93000, 'invalid webhook url').message).toContain('QUNDESK_WECOM_WEBHOOK_KEY')
  })
})

describe('listGroupChats', () => {
  it('follows next_cursor over several pages of 1000', async () => {
    wecom.state.groups.splice(0, wecom.state.groups.length, ...Array.from({ length: 2345 }, (_, i) => fakeGroupChat(`wr-${i}`, { status: i % 4 })))
    const groups = await client().listGroupChats()
    expect(groups).toHaveLength(2345)
    expect(groups[0]).toEqual({ chatId: 'wr-0', status: 0 })
    expect(groups[2344]).toEqual({ chatId: 'wr-2344', status: 0 })
    expect(new Set(groups.map((g) => g.chatId)).size).toBe(2345)
    const bodies = wecom.state.requests.filter((r) => r.path === LIST).map((r) => r.body as Record<string, unknown>)
    expect(bodies).toHaveLength(3)
    expect(bodies.map((b) => b.limit)).toEqual([1000, 1000, 1000])
    expect(bodies[0]).toMatchObject({ status_filter: 0, cursor: '' })
    expect(bodies[1]!.cursor).not.toBe('')
    expect(bodies[0]).not.toHaveProperty('owner_filter')
  })

  it('passes the status filter and splits owner lists into batches of 100', async () => {
    const owners = Array.from({ length: 150 }, (_, i) => `owner-${i}`)
    wecom.state.groups.push(fakeGroupChat('wr-a', { owner: 'owner-3', status: 1 }), fakeGroupChat('wr-b', { owner: 'owner-120', status: 1 }))
    const groups = await client().listGroupChats({ statusFilter: 1, ownerUserIds: owners })
    expect(groups).toEqual([{ chatId: 'wr-a', status: 1 }, { chatId: 'wr-b', status: 1 }])
    const bodies = wecom.state.requests.filter((r) => r.path === LIST).map((r) => r.body as { owner_filter: { userid_list: string[] }; status_filter: number })
    expect(bodies.map((b) => b.owner_filter.userid_list.length)).toEqual([100, 50])
    expect(bodies.every((b) => b.status_filter === 1)).toBe(true)
    await expect(client().listGroupChats({ ownerUserIds: [] })).resolves.toEqual([])
  })

  it('stops on a cursor that repeats instead of looping forever', async () => {
    wecom.state.respondNext(LIST, { errcode: 0, errmsg: 'ok', group_chat_list: [{ chat_id: 'wr-1', status: 0 }], next_cursor: 'same' })
    wecom.state.respondNext(LIST, { errcode: 0, errmsg: 'ok', group_chat_list: [{ chat_id: 'wr-2', status: 0 }], next_cursor: 'same' })
    const error = await rejection(client().listGroupChats())
    expect(error.message).toContain('next_cursor')
  })

  it('rejects a malformed page with the field at fault', async () => {
    wecom.state.respondNext(LIST, { errcode: 0, errmsg: 'ok', group_chat_list: [{ chat_id: 'wr-1', status: 0 }, { status: 0 }], next_cursor: '' })
    const error = await rejection(client().listGroupChats())
    expect(error.message).toContain('group_chat_list[1].chat_id')
  })
})

describe('getGroupChat', () => {
  it('returns the typed group with members, dates and admins', async () => {
    const group = await client().getGroupChat('wr-1')
    expect(group).toEqual({
      chatId: 'wr-1',
      name: '客户群 wr-1',
      owner: 'zhangsan',
      createTime: new Date(1_700_000_000_000),
      notice: '文明沟通',
      members: [
        { userId: 'zhangsan', type: 'staff', joinTime: new Date(1_700_000_000_000), joinScene: 1, groupNickname: '客服小张', name: '张三' },
        { userId: 'wm-wr-1-1', type: 'external', joinTime: new Date(1_700_000_600_000), joinScene: 3, invitor: 'zhangsan', name: '王女士', unionId: 'union-wr-1-1' },
      ],
      admins: ['lisi'],
      memberVersion: 'v-wr-1-1',
    })
    expect(wecom.state.requests.find((r) => r.path === GET)?.body).toEqual({ chat_id: 'wr-1', need_name: 1 })
  })

  it('accepts optional fields being absent (no notice, admins, version, nicknames)', async () => {
    wecom.state.groups.push({ chat_id: 'wr-bare', name: '', owner: 'zhangsan', create_time: 1, member_list: [{ userid: 'zhangsan', type: 1, join_time: 1, join_scene: 1 }] })
    const group = await client().getGroupChat('wr-bare')
    expect(group).toMatchObject({ name: '', notice: '', admins: [], members: [{ userId: 'zhangsan', type: 'staff', joinScene: 1 }] })
    expect(group).not.toHaveProperty('memberVersion')
  })

  it.each([
    { broken: { group_chat: undefined }, field: 'group_chat' },
    { broken: { group_chat: { ...fakeGroupChat('wr-x'), owner: undefined } }, field: 'group_chat.owner' },
    { broken: { group_chat: { ...fakeGroupChat('wr-x'), create_time: '2023-01-01' } }, field: 'group_chat.create_time' },
    { broken: { group_chat: { ...fakeGroupChat('wr-x'), member_list: 'nobody' } }, field: 'group_chat.member_list' },
    { broken: { group_chat: { ...fakeGroupChat('wr-x'), member_list: [{ userid: 'a', type: 3, join_time: 1, join_scene: 1 }] } }, field: 'group_chat.member_list[0].type' },
    { broken: { group_chat: { ...fakeGroupChat('wr-x'), member_list: [{ userid: 'a', type: 1, join_time: 1, join_scene: '3' }] } }, field: 'group_chat.member_list[0].join_scene' },
    { broken: { group_chat: { ...fakeGroupChat('wr-x'), member_list: [{ type: 1, join_time: 1, join_scene: 1 }] } }, field: 'group_chat.member_list[0].userid' },
    { broken: { group_chat: { ...fakeGroupChat('wr-x'), member_list: [{ userid: 'a', type: 2, join_time: 1, join_scene: 1, invitor: 'zhangsan' }] } }, field: 'group_chat.member_list[0].invitor' },
    { broken: { group_chat: { ...fakeGroupChat('wr-x'), admin_list: ['lisi'] } }, field: 'group_chat.admin_list[0]' },
  ])('names $field when the answer is malformed', async ({ broken, field }) => {
    wecom.state.respondNext(GET, { errcode: 0, errmsg: 'ok', ...broken })
    const error = await rejection(client().getGroupChat('wr-1'))
    expect(error.code).toBe('channel_unavailable')
    expect(error.message).toContain(`${field} `)
    expect(error.context).toMatchObject({ field, reason: 'unexpected_response' })
  })

  it('refuses an empty chat id without calling WeCom', async () => {
    const error = await rejection(client().getGroupChat(' '))
    expect(error.code).toBe('bad_request')
    expect(wecom.state.requests).toEqual([])
  })
})

describe('logging', () => {
  it('never logs the secret or an access token, whatever happens', async () => {
    const api = client()
    await api.getGroupChat('wr-1')
    wecom.state.expireTokens()
    await api.getGroupChat('wr-1')
    wecom.state.failNext(2, 'network', { path: GET })
    await api.getGroupChat('wr-2')
    wecom.state.failNext(3, '500', { path: GET })
    const failed = await rejection(api.getGroupChat('wr-2'))
    wecom.state.failNext(1, { errcode: 48002, errmsg: 'api forbidden' }, { path: GET })
    const refused = await rejection(api.getGroupChat('wr-2'))
    await rejection(client({ secret: 'wrong-secret-also-private' }).getAccessToken())
    await rejection(client({ fetch: () => Promise.reject(new TypeError(`Failed to parse URL from ${wecom.baseUrl}/x?access_token=${wecom.state.issuedTokens[1]}`)) }).getAccessToken())

    const output = log.raw.join('')
    expect(log.raw.length).toBeGreaterThan(5)
    expect(wecom.state.issuedTokens).toHaveLength(2)
    for (const secret of [SECRET, 'wrong-secret-also-private', ...wecom.state.issuedTokens]) {
      expect(output).not.toContain(secret)
      for (const error of [failed, refused]) {
        expect(JSON.stringify({ message: error.message, context: error.context })).not.toContain(secret)
      }
    }
    expect(output).toContain(GET)
    expect(output).not.toMatch(/access_token=(?!\*\*\*)/)
  })
})
