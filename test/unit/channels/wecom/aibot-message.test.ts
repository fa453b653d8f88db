import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseAibotMessage, type AibotMessage } from '../../../../src/channels/wecom/aibot-message.js'

const FIXTURES = path.resolve(import.meta.dirname, '../../../fixtures/wecom')
const fixture = (name: string) => fs.readFileSync(path.join(FIXTURES, name), 'utf8')
const TEXT = JSON.parse(fixture('valid-aibot-text.json')) as Record<string, unknown>
const RESPONSE_URL = 'https://qyapi.weixin.qq.com/cgi-bin/aibot/response?response_code=RESPONSECODE'
const withFields = (fields: Record<string, unknown>) => JSON.stringify({ ...TEXT, ...fields })
/** The text fixture turned into another msgtype with its body. */
const withMedia = (msgtype: string, body: Record<string, unknown>) => JSON.stringify({ ...TEXT, text: undefined, msgtype, ...body })
const without = (name: string) => JSON.stringify(Object.fromEntries(Object.entries(TEXT).filter(([k]) => k !== name)))

describe('parseAibotMessage', () => {
  it.each<[string, string, AibotMessage]>([
    ['valid-aibot-text.json', fixture('valid-aibot-text.json'), {
      kind: 'text', msgId: 'CAIQ16HMjQYY/NGagIOAgAMgq4KM0AI=', aibotId: 'AIBOTID', chatId: 'CHATID', chatType: 'group', userId: 'USERID', responseUrl: RESPONSE_URL, text: '@RobotA 我的快递到哪了',
    }],
    ['valid-aibot-image.json', fixture('valid-aibot-image.json'), {
      kind: 'media', msgtype: 'image', msgId: 'CAIQz7/MjQYY/NGagIOAgAMgl8jK/gI=', aibotId: 'AIBOTID', chatId: 'CHATID', chatType: 'group', userId: 'USERID', responseUrl: RESPONSE_URL,
      parts: [{ type: 'image', url: 'https://example.invalid/image' }],
    }],
    ['valid-aibot-image-aeskey.json (a per-message key, long-connection mode)', fixture('valid-aibot-image-aeskey.json'), {
      kind: 'media', msgtype: 'image', msgId: 'CAIQimagekey1', aibotId: 'AIBOTID', chatId: 'CHATID', chatType: 'group', userId: 'USERID', responseUrl: RESPONSE_URL,
      parts: [{ type: 'image', url: 'https://example.invalid/image', aesKey: 'MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=' }],
    }],
    ['valid-aibot-mixed.json', fixture('valid-aibot-mixed.json'), {
      kind: 'media', msgtype: 'mixed', msgId: 'CAIQmixed0001', aibotId: 'AIBOTID', chatId: 'CHATID', chatType: 'group', userId: 'USERID', responseUrl: RESPONSE_URL,
      parts: [{ type: 'text', text: '@RobotA 收到的货坏了' }, { type: 'image', url: 'https://example.invalid/image-1' }, { type: 'text', text: '请看图' }],
    }],
    ['valid-aibot-voice.json (the transcript only)', fixture('valid-aibot-voice.json'), {
      kind: 'media', msgtype: 'voice', msgId: 'CAIQvoice0001', aibotId: 'AIBOTID', chatId: 'CHATID', chatType: 'group', userId: 'USERID', responseUrl: RESPONSE_URL,
      parts: [{ type: 'voice', transcript: '我的快递三天了还没到' }],
    }],
    ['valid-aibot-file.json', fixture('valid-aibot-file.json'), {
      kind: 'media', msgtype: 'file', msgId: 'CAIQfile00001', aibotId: 'AIBOTID', chatId: 'CHATID', chatType: 'group', userId: 'USERID', responseUrl: RESPONSE_URL,
      parts: [{ type: 'file', url: 'https://example.invalid/file' }],
    }],
    ['a picture without response_url (kept; it goes to an agent anyway)', JSON.stringify({ ...JSON.parse(fixture('valid-aibot-image.json')) as object, response_url: undefined }), {
      kind: 'media', msgtype: 'image', msgId: 'CAIQz7/MjQYY/NGagIOAgAMgl8jK/gI=', aibotId: 'AIBOTID', chatId: 'CHATID', chatType: 'group', userId: 'USERID',
      parts: [{ type: 'image', url: 'https://example.invalid/image' }],
    }],
    ['a picture from a loopback relay over http', withMedia('image', { image: { url: 'http://127.0.0.1:8080/media/1?sign=x' } }), {
      kind: 'media', msgtype: 'image', msgId: 'CAIQ16HMjQYY/NGagIOAgAMgq4KM0AI=', aibotId: 'AIBOTID', chatId: 'CHATID', chatType: 'group', userId: 'USERID', responseUrl: RESPONSE_URL,
      parts: [{ type: 'image', url: 'http://127.0.0.1:8080/media/1?sign=x' }],
    }],
    ['a mixed message of 20 items', withMedia('mixed', { mixed: { msg_item: Array.from({ length: 20 }, () => ({ msgtype: 'text', text: { content: '字' } })) } }), {
      kind: 'media', msgtype: 'mixed', msgId: 'CAIQ16HMjQYY/NGagIOAgAMgq4KM0AI=', aibotId: 'AIBOTID', chatId: 'CHATID', chatType: 'group', userId: 'USERID', responseUrl: RESPONSE_URL,
      parts: Array.from({ length: 20 }, () => ({ type: 'text', text: '字' })),
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
    ['an unsupported message with a numeric aibotid', JSON.stringify({ msgid: 'm', msgtype: 'event', aibotid: 5 }), /aibotid must be a string/],
    ['an unsupported message with from as a list', JSON.stringify({ msgid: 'm', msgtype: 'event', from: [] }), /from must be an object/],
    ['malformed-aibot-image-no-url.json', fixture('malformed-aibot-image-no-url.json'), /image.url is missing/],
    ['malformed-aibot-mixed-not-a-list.json', fixture('malformed-aibot-mixed-not-a-list.json'), /mixed.msg_item must be a list/],
    ['an image without its body', withMedia('image', {}), /image must be an object/],
    ['a numeric image url', withMedia('image', { image: { url: 42 } }), /url must be a string/],
    ['an http image url', withMedia('image', { image: { url: 'http://example.com/a.png' } }), /image.url must be an https URL/],
    ['an image url over 2048 characters', withMedia('image', { image: { url: `https://example.com/${'a'.repeat(2048)}` } }), /url is longer than 2048/],
    ['an aeskey that is not 32 bytes', withMedia('image', { image: { url: 'https://example.com/a', aeskey: 'c2hvcnQ=' } }), /image.aeskey must be the base64 of 32 bytes/],
    ['a numeric aeskey', withMedia('file', { file: { url: 'https://example.com/a', aeskey: 7 } }), /aeskey must be a string/],
    ['a file without url', withMedia('file', { file: { name: 'a.pdf' } }), /file.url is missing/],
    ['a voice without content', withMedia('voice', { voice: {} }), /voice.content must be a string/],
    ['a voice over 16 KB', withMedia('voice', { voice: { content: '字'.repeat(16 * 1024 + 1) } }), /voice.content is longer/],
    ['a mixed message without items', withMedia('mixed', { mixed: { msg_item: [] } }), /mixed.msg_item is empty/],
    ['a mixed item that is not an object', withMedia('mixed', { mixed: { msg_item: ['hi'] } }), /mixed.msg_item\[0\] must be an object/],
    ['a mixed item of another type', withMedia('mixed', { mixed: { msg_item: [{ msgtype: 'video', video: {} }] } }), /mixed.msg_item\[0\].msgtype must be text or image/],
    ['a mixed image without url', withMedia('mixed', { mixed: { msg_item: [{ msgtype: 'text', text: { content: 'a' } }, { msgtype: 'image', image: {} }] } }), /mixed.msg_item\[1\].image.url is missing/],
    ['mixed text parts over 16 KB together', withMedia('mixed', { mixed: { msg_item: [{ msgtype: 'text', text: { content: '字'.repeat(9000) } }, { msgtype: 'text', text: { content: '字'.repeat(9000) } }] } }), /text of mixed.msg_item is longer/],
    ['a media message without chattype', JSON.stringify({ msgid: 'm', msgtype: 'image', image: { url: 'https://example.com/a' } }), /chattype is missing/],
    ['evil-aibot-mixed-many-items.json', fixture('evil-aibot-mixed-many-items.json'), /mixed.msg_item has 1000 items, more than 20/],
    ['evil-aibot-image-url-not-https.json', fixture('evil-aibot-image-url-not-https.json'), /image.url must be an https URL/],
    ['evil-aibot-image-lone-surrogate-url.json', fixture('evil-aibot-image-lone-surrogate-url.json'), /image.url must be an https URL/],
    ['a url with a space in it', withMedia('image', { image: { url: 'https://example.com/a b' } }), /https URL/],
    ['a url with credentials in its host part', withMedia('image', { image: { url: 'https://user@evil.example/a' } }), /https URL/],
  ])('refuses %s', (_name, json, error) => {
    const result = parseAibotMessage(json)
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.error).toMatch(error)
  })
})
