import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseAibotMessage, type AibotMessage } from '../../../../src/channels/wecom/aibot-message.js'

const FIXTURES = path.resolve(import.meta.dirname, '../../../fixtures/wecom')
const fixture = (name: string) => fs.readFileSync(path.join(FIXTURES, name), 'utf8')
const TEXT = JSON.parse(fixture('valid-aibot-text.json')) as Record<string, unknown>
const RESPONSE_URL = 'https://qyapi.weixin.qq.com/cgi-bin/aibot/response?response_code=RESPONSECODE'
const withFields = (fields: Record<string, unknown>) => JSON.stringify({ ...TEXT, ...fields })
const without = (name: string) => JSON.stringify(Object.fromEntries(Object.entries(TEXT).filter(([k]) => k !== name)))

describe('parseAibotMessage', () => {
  it.each<[string, string, AibotMessage]>([
    ['valid-aibot-text.json', fixture('valid-aibot-text.json'), {
      kind: 'text', msgId: 'CAIQ16HMjQYY/NGagIOAgAMgq4KM0AI=', aibotId: 'AIBOTID', chatId: 'CHATID', chatType: 'group', userId: 'USERID', responseUrl: RESPONSE_URL, text: '@RobotA 我的快递到哪了',
    }],
    ['valid-aibot-image.json (stored, not answered)', fixture('valid-aibot-image.json'), {
      kind: 'unsupported', msgId: 'CAIQz7/MjQYY/NGagIOAgAMgl8jK/gI=', msgtype: 'image', aibotId: 'AIBOTID', chatId: 'CHATID', chatType: 'group', userId: 'USERID', responseUrl: RESPONSE_URL,
    }],
    ['a single chat without chatid', withFields({ chattype: 'single', chatid: undefined }), {
      kind: 'text', msgId: 'CAIQ16HMjQYY/NGagIOAgAMgq4KM0AI=', aibotId: 'AIBOTID', chatType: 'single', userId: 'USERID', responseUrl: RESPONSE_URL, text: '@RobotA 我的快递到哪了',
    }],
    ['an event with only msgid and msgtype', JSON.stringify({ msgid: 'e1', msgtype: 'event', event: { eventtype: 'enter_chat' } }), { kind: 'unsupported', msgId: 'e1', msgtype: 'event' }],
    ['an empty text', withFields({ text: { content: '' } }), {
      kind: 'text', msgId: 'CAIQ16HMjQYY/NGagIOAgAMgq4KM0AI=', aibotId: 'AIBOTID', chatId: 'CHATID', chatType: 'group', userId: 'USERID', responseUrl: RESPONSE_URL, text: '',
    }],
    ['extra fields, even "__proto__", are ignored', fixture('valid-aibot-text.json').replace('{', '{"__proto__": {"polluted": true}, "quote": {"msgtype": "text"},'), {
      kind: 'text', msgId: 'CAIQ16HMjQYY/NGagIOAgAMgq4KM0AI=', aibotId: 'AIBOTID', chatId: 'CHATID', chatType: 'group', userId: 'USERID', responseUrl: RESPONSE_URL, text: '@RobotA 我的快递到哪了',
    }],
  ])('%s', (_name, json, expected) => {
    expect(parseAibotMessage(json)).toEqual({ ok: true, message: expected })
  })

  it.each<[string, string, RegExp]>([
    ['malformed-aibot-no-userid.json', fixture('malformed-aibot-no-userid.json'), /userid is missing/],
    ['not JSON', '<xml/>', /not JSON/],
    ['an empty string', '', /not JSON/],
    ['an array', '[]', /message must be an object/],
    ['null', 'null', /message must be an object/],
    ['a string', '"msgid"', /message must be an object/],
    ['no msgid', without('msgid'), /msgid is missing/],
    ['an empty msgid', withFields({ msgid: '' }), /msgid is missing/],
    ['a numeric msgid', withFields({ msgid: 123 }), /msgid must be a string/],
    ['a msgid too long', withFields({ msgid: 'm'.repeat(257) }), /msgid is longer than 256/],
    ['no msgtype', without('msgtype'), /msgtype is missing/],
    ['no aibotid', without('aibotid'), /aibotid is missing/],
    ['no from', without('from'), /from must be an object/],
    ['from as a string', withFields({ from: 'USERID' }), /from must be an object/],
    ['a numeric userid', withFields({ from: { userid: 7 } }), /userid must be a string/],
    ['another chattype', withFields({ chattype: 'channel' }), /chattype must be group or single/],
    ['a group without chatid', without('chatid'), /chatid is missing/],
    ['no text', without('text'), /text must be an object/],
    ['a numeric text.content', withFields({ text: { content: 1 } }), /text.content must be a string/],
    ['a text.content over 16 KB', withFields({ text: { content: '字'.repeat(16 * 1024 + 1) } }), /text.content is longer/],
    ['no response_url', without('response_url'), /response_url is missing/],
    ['an http response_url', withFields({ response_url: 'http://qyapi.weixin.qq.com/cgi-bin/aibot/response' }), /https URL/],
    ['a javascript: response_url', withFields({ response_url: 'javascript:alert(1)' }), /https URL/],
    ['a response_url over 2048 characters', withFields({ response_url: `https://qyapi.weixin.qq.com/${'a'.repeat(2048)}` }), /longer than 2048/],
    ['an unsupported message with a numeric aibotid', JSON.stringify({ msgid: 'm', msgtype: 'image', aibotid: 5 }), /aibotid must be a string/],
    ['an unsupported message with from as a list', JSON.stringify({ msgid: 'm', msgtype: 'image', from: [] }), /from must be an object/],
  ])('refuses %s', (_name, json, error) => {
    const result = parseAibotMessage(json)
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.error).toMatch(error)
  })
})
