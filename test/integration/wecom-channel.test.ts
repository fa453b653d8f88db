import { encrypt as wecomEncrypt, getSignature } from '@wecom/crypto'
import { afterEach, describe, expect, it } from 'vitest'
import type { Suggestion } from '../../src/suggestions/suggestion.js'
import { fakeGroupChat, startFakeWecom, type FakeWecom } from '../support/fake-wecom-server.js'
import { makeWorkdir, startTestApp, useRules, waitFor, type TestApp } from './test-context.js'

const TOKEN = 'QDG6eK'
const AES_KEY = 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C'
const CORP_ID = 'wx5823bf96d3bd56c7'
const SECRET = 'corp-secret-for-tests'
const AIBOT_TOKEN = 'aibot-token-0123'
const AIBOT_AES_KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG'
const CHAT = 'wrOgQhDgAAcwMTB7YmDkbeBsgT_KAAAA'
const CUSTOMER = `wm-${CHAT}-1`

let t: TestApp | undefined
let wecom: FakeWecom | undefined
afterEach(async () => {
  await t?.stop()
  await wecom?.close()
  t = undefined
  wecom = undefined
})

let now = Date.now()
async function start(options: { rules?: boolean } = {}) {
  wecom = await startFakeWecom({ corpId: CORP_ID, secret: SECRET })
  wecom.state.groups.push(fakeGroupChat(CHAT))
  const work = await makeWorkdir()
  if (options.rules) await useRules(work, 'lifecycle-actions')
  now = Date.now()
  t = await startTestApp(work, {
    clock: () => new Date(now),
    env: {
      QUNDESK_WECOM_CALLBACK_TOKEN: TOKEN, QUNDESK_WECOM_ENCODING_AES_KEY: AES_KEY, QUNDESK_WECOM_CORP_ID: CORP_ID,
      QUNDESK_WECOM_SECRET: SECRET, QUNDESK_WECOM_API_BASE: wecom.baseUrl, QUNDESK_WECOM_WEBHOOK_KEY: 'test-webhook-key',
      QUNDESK_WECOM_AIBOT_TOKEN: AIBOT_TOKEN, QUNDESK_WECOM_AIBOT_ENCODING_AES_KEY: AIBOT_AES_KEY,
    },
  })
  return t
}

function signed(plaintext: string, token: string, key: string, receiveId: string) {
  const encrypt = wecomEncrypt(key, plaintext, receiveId)
  const timestamp = String(Math.floor(Date.now() / 1000))
  const nonce = String(Math.floor(Math.random() * 1e9))
  return { encrypt, query: new URLSearchParams({ msg_signature: getSignature(token, timestamp, nonce, encrypt), timestamp, nonce }).toString() }
}

async function postEvent(xml: string) {
  const s = signed(xml, TOKEN, AES_KEY, CORP_ID)
  const res = await fetch(`${t!.app.url}/wecom/callback?${s.query}`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: `<xml><ToUserName><![CDATA[${CORP_ID}]]></ToUserName><Encrypt><![CDATA[${s.encrypt}]]></Encrypt><AgentID><![CDATA[1000002]]></AgentID></xml>` })
  return { status: res.status, text: await res.text() }
}

async function postAibot(message: Record<string, unknown>) {
  const s = signed(JSON.stringify(message), AIBOT_TOKEN, AIBOT_AES_KEY, '')
  const res = await fetch(`${t!.app.url}/wecom/aibot?${s.query}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ encrypt: s.encrypt }) })
  return res.status
}

const addMemberEvent = (createTime: number, member: string) => `<xml><ToUserName><![CDATA[${CORP_ID}]]></ToUserName><FromUserName><![CDATA[sys]]></FromUserName><CreateTime>${createTime}</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[change_external_chat]]></Event><ChatId><![CDATA[${CHAT}]]></ChatId><ChangeType><![CDATA[update]]></ChangeType><UpdateDetail><![CDATA[add_member]]></UpdateDetail><JoinScene>3</JoinScene><MemChangeCnt>1</MemChangeCnt><MemChangeList><Item><![CDATA[${member}]]></Item></MemChangeList></xml>`

const aibotText = (msgid: string, text: string, responseUrl: string) => ({
  msgid, aibotid: 'aibot-1', chatid: CHAT, chattype: 'group', from: { userid: CUSTOMER }, response_url: responseUrl, msgtype: 'text', text: { content: text },
})

describe('WeCom official channel end to end', () => {
  it('reconciles a group with groupchat/get after a join event: exact join time and join scene, seen by the rules', async () => {
    await start({ rules: true })
    expect((await postEvent(addMemberEvent(Math.floor(now / 1000), CUSTOMER))).text).toBe('success')
    const member = await waitFor(async () => (await t!.app.members.member(CUSTOMER))[0])
    // WeCom's own join_time (1_700_000_600), not the callback's time; the staff owner is not a customer member.
    expect(member).toMatchObject({ groupId: CHAT, groupName: `客户群 ${CHAT}`, memberName: '王女士', joinedAt: new Date(1_700_000_600_000).toISOString(), joinedAtEstimated: false, joinSource: 'wecom', invitedBy: 'zhangsan' })
    expect(await t!.app.members.member('zhangsan')).toEqual([])
    // The rules see WeCom's facts: join_scene 3 (QR code), and the join 2023 is no newcomer.
    const detail = await waitFor(async () => {
      const d = await t!.app.directory.get(CUSTOMER)
      return d.memberships[0]?.lifecycle === '沉默' ? d : undefined
    })
    expect(detail.memberships[0]!.metrics).toMatchObject({ join_scene: 3, join_time_estimated: false })
    expect(wecom!.state.requests.filter((r) => r.path.endsWith('/groupchat/get'))).toHaveLength(1)

    // WeCom drops the member later; the next event for the group reconciles them as gone.
    wecom!.state.groups[0]!.member_list = (wecom!.state.groups[0]!.member_list as unknown[]).slice(0, 1)
    await postEvent(addMemberEvent(Math.floor(now / 1000) + 1, 'wm-someone-else'))
    await waitFor(async () => (await t!.app.members.member(CUSTOMER))[0]?.leftAt)
    const processed = await t!.app.db.selectFrom('wecom_callbacks').select(['status']).execute()
    expect(processed.map((p) => p.status)).toEqual(['processed', 'processed'])
  })

  it('keeps an event whose groupchat/get failed, with the error, and processes it when retried', async () => {
    await start()
    // The client tries 3 times; all three fail.
    wecom!.state.failNext(3, '500', { path: '/cgi-bin/externalcontact/groupchat/get' })
    expect((await postEvent(addMemberEvent(Math.floor(now / 1000), CUSTOMER))).text).toBe('success')
    const failed = await waitFor(async () => (await t!.app.db.selectFrom('wecom_callbacks').selectAll().where('status', '=', 'failed').execute())[0])
    expect(failed.error).toMatch(/企业微信|WeCom|500/)
    expect(await t!.app.members.member(CUSTOMER)).toEqual([])
    expect(await t!.app.wecomInbox.requeueFailed(5)).toBe(1)
    await t!.app.wecomProcessor.replay()
    expect((await t!.app.members.member(CUSTOMER))[0]).toMatchObject({ joinSource: 'wecom' })
  })

  it('answers an AI-bot @-mention through the pipeline and sends the approved reply once through its response_url', async () => {
    await start()
    const responseUrl = wecom!.state.responseUrl('r1')
    expect(await postAibot(aibotText('msg-1', '@客服助手 我的快递到哪了', responseUrl))).toBe(200)
    expect(await postAibot(aibotText('msg-1', '@客服助手 我的快递到哪了', responseUrl))).toBe(200) // WeCom's retry
    const suggestion = await waitFor(async () => (await t!.app.suggestions.list()).find((s) => s.messageId === 'wecom-aibot:msg-1'))
    expect(suggestion).toMatchObject({ groupId: CHAT, memberId: CUSTOMER, question: '我的快递到哪了', status: 'pending' })
    expect(suggestion.intentId).toBe('logistics.track')
    expect(await t!.app.suggestions.list()).toHaveLength(1)

    const sent = await t!.api<Suggestion>('POST', `/api/suggestions/${suggestion.id}/send`, {})
    expect(sent.status).toBe(200)
    expect(wecom!.state.responsePosts).toHaveLength(1)
    expect(wecom!.state.responsePosts[0]).toMatchObject({ id: 'r1', accepted: true, body: { msgtype: 'text' } })
    expect(JSON.stringify(wecom!.state.responsePosts[0]!.body)).toContain(suggestion.text!.slice(0, 10))
    expect(t!.world.said).toEqual([]) // nothing went out through the Wechaty account
  })

  it('marks a reply whose response_url expired as failed with the reason, and sends nothing', async () => {
    await start()
    expect(await postAibot(aibotText('msg-2', '@客服助手 怎么开发票', wecom!.state.responseUrl('r2')))).toBe(200)
    const suggestion = await waitFor(async () => (await t!.app.suggestions.list()).find((s) => s.messageId === 'wecom-aibot:msg-2'))
    now += 61 * 60 * 1000
    const res = await t!.api<{ message: string }>('POST', `/api/suggestions/${suggestion.id}/send`, {})
    expect(res.status).toBe(503)
    expect(res.body.message).toContain('过期')
    expect(await t!.app.suggestions.get(suggestion.id)).toMatchObject({ status: 'failed', lastError: expect.stringContaining('过期') })
    expect(wecom!.state.responsePosts).toEqual([])
  })

  it('tells the agents group through the robot when a question needs a human', async () => {
    await start()
    expect(await postAibot(aibotText('msg-3', '@客服助手 转人工！你们这什么破服务', wecom!.state.responseUrl('r3')))).toBe(200)
    await waitFor(() => wecom!.state.webhookMessages.length > 0)
    const [notice] = wecom!.state.webhookMessages
    expect(notice!.body).toMatchObject({ msgtype: 'text' })
    expect(JSON.stringify(notice!.body)).toContain('【需人工】')
  })

  it('tells the agents group once when an item for a person waits past the alert time (用户与设置)', async () => {
    await start()
    expect(await postAibot(aibotText('msg-4', '@客服助手 转人工', wecom!.state.responseUrl('r4')))).toBe(200)
    await waitFor(async () => (await t!.app.suggestions.list({ status: 'pending' })).length === 1)
    await waitFor(() => wecom!.state.webhookMessages.length === 1) // the 【需人工】 notice
    await t!.app.scheduler.tick('wait-alert', new Date(now))
    expect(wecom!.state.webhookMessages).toHaveLength(1)

    now += 11 * 60_000
    await t!.app.scheduler.tick('wait-alert', new Date(now))
    expect(wecom!.state.webhookMessages).toHaveLength(2)
    const alert = JSON.stringify(wecom!.state.webhookMessages[1]!.body)
    expect(alert).toContain('【等待过久】1 条需人工处理的消息已等待超过 10 分钟')
    expect(alert).toContain('转人工')
    now += 60_000
    await t!.app.scheduler.tick('wait-alert', new Date(now))
    expect(wecom!.state.webhookMessages).toHaveLength(2)
  })
})
