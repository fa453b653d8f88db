import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { dedupeKeyOf, parseAppCallback, type AppCallbackEvent } from '../../../../src/channels/wecom/app-callback-event.js'
import { parseWecomXml } from '../../../../src/channels/wecom/parse-wecom-xml.js'

const FIXTURES = path.resolve(import.meta.dirname, '../../../fixtures/wecom')
const fixture = (name: string) => fs.readFileSync(path.join(FIXTURES, name), 'utf8')

const CHAT = 'wrOgQhDgAAMYQiS5ol9G7gK9JVAAAA'
/** A change_external_chat event with the given fields replaced (null removes one). */
function chatEvent(fields: Record<string, string | null> = {}): string {
  const base: Record<string, string> = {
    ToUserName: '<![CDATA[wx5823bf96d3bd56c7]]>', FromUserName: '<![CDATA[sys]]>', CreateTime: '1403610513', MsgType: '<![CDATA[event]]>',
    Event: '<![CDATA[change_external_chat]]>', ChatId: `<![CDATA[${CHAT}]]>`, ChangeType: '<![CDATA[update]]>', UpdateDetail: '<![CDATA[add_member]]>',
  }
  for (const [name, value] of Object.entries(fields)) {
    if (value === null) delete base[name]
    else base[name] = value
  }
  return `<xml>${Object.entries(base).map(([n, v]) => `<${n}>${v}</${n}>`).join('')}</xml>`
}

describe('parseAppCallback: typed events', () => {
  it.each<[string, string, AppCallbackEvent]>([
    ['valid-change-external-chat-add-member.xml', fixture('valid-change-external-chat-add-member.xml'), {
      type: 'change_external_chat', changeType: 'update', updateDetail: 'add_member', chatId: CHAT, joinScene: 3, quitScene: 0, memChangeCnt: 2,
      memChangeList: ['wmOgQhDgAAuXFJGwbve4g4iXknfOAAAA', 'wmOgQhDgAAnvEkx7rrIUZRLwQ4DnBBBB'],
      lastMemVer: '9c3f0ef0d4d9ee4f1bac3a2b7ac5cde4', curMemVer: '71217227bbd112ecfe3a49c482195cb4', createTime: 1403610513, fromUserName: 'sys',
    }],
    ['valid-change-external-chat-del-member.xml', fixture('valid-change-external-chat-del-member.xml'), {
      type: 'change_external_chat', changeType: 'update', updateDetail: 'del_member', chatId: CHAT, quitScene: 1, memChangeCnt: 1,
      memChangeList: ['wmOgQhDgAAuXFJGwbve4g4iXknfOAAAA'], lastMemVer: '71217227bbd112ecfe3a49c482195cb4', curMemVer: '0f5b1d0e4e5c5c3e6b2c8a7d9e1f2a3b',
      createTime: 1403610513, fromUserName: 'sys',
    }],
    ['valid-change-external-chat-create.xml', fixture('valid-change-external-chat-create.xml'), {
      type: 'change_external_chat', changeType: 'create', chatId: 'wrOgQhDgAAcwMTB7YmDkbeBsgT_KAAAA', memChangeList: [], createTime: 1403610600, fromUserName: 'sys',
    }],
    ['valid-change-external-chat-dismiss.xml', fixture('valid-change-external-chat-dismiss.xml'), {
      type: 'change_external_chat', changeType: 'dismiss', chatId: 'wrOgQhDgAAcwMTB7YmDkbeBsgT_KAAAA', memChangeList: [], createTime: 1403610700, fromUserName: 'sys',
    }],
    ['valid-change-external-contact.xml (another event)', fixture('valid-change-external-contact.xml'), {
      type: 'other', msgType: 'event', event: 'change_external_contact', createTime: 1403610513, fromUserName: 'sys',
    }],
    ['valid-text-message.xml (a message to the app)', fixture('valid-text-message.xml'), {
      type: 'other', msgType: 'text', msgId: '1234567890123456', createTime: 1348831860, fromUserName: 'zhangsan',
    }],
    ['change_owner', chatEvent({ UpdateDetail: 'change_owner' }), {
      type: 'change_external_chat', changeType: 'update', updateDetail: 'change_owner', chatId: CHAT, memChangeList: [], createTime: 1403610513, fromUserName: 'sys',
    }],
    ['an empty MemChangeList', chatEvent({ MemChangeList: '\n  ' }), {
      type: 'change_external_chat', changeType: 'update', updateDetail: 'add_member', chatId: CHAT, memChangeList: [], createTime: 1403610513, fromUserName: 'sys',
    }],
    ['an UpdateDetail this version does not know', chatEvent({ UpdateDetail: 'change_avatar' }), {
      type: 'change_external_chat', changeType: 'update', chatId: CHAT, memChangeList: [], createTime: 1403610513, fromUserName: 'sys',
    }],
    ['a ChangeType this version does not know (kept, not refused)', chatEvent({ ChangeType: 'archive' }), {
      type: 'other', msgType: 'event', event: 'change_external_chat', createTime: 1403610513, fromUserName: 'sys',
    }],
    ['UpdateDetail on a create is ignored', chatEvent({ ChangeType: 'create' }), {
      type: 'change_external_chat', changeType: 'create', chatId: CHAT, memChangeList: [], createTime: 1403610513, fromUserName: 'sys',
    }],
  ])('%s', (_name, xml, expected) => {
    const result = parseAppCallback(xml)
    expect(result.ok).toBe(true)
    if (result.ok) expect(result.event).toEqual(expected)
  })

  it.each<[string, string, RegExp]>([
    ['malformed-missing-chat-id.xml', fixture('malformed-missing-chat-id.xml'), /ChatId is missing/],
    ['malformed-unclosed.xml', fixture('malformed-unclosed.xml'), /decrypted XML is invalid/],
    ['evil-billion-laughs.xml', fixture('evil-billion-laughs.xml'), /DOCTYPE/],
    ['no MsgType', chatEvent({ MsgType: null }), /MsgType is missing/],
    ['no FromUserName', chatEvent({ FromUserName: null }), /FromUserName is missing/],
    ['no CreateTime', chatEvent({ CreateTime: null }), /CreateTime is missing/],
    ['a CreateTime that is not a number', chatEvent({ CreateTime: '14036x0513' }), /CreateTime must be a whole number/],
    ['a negative JoinScene', chatEvent({ JoinScene: '-1' }), /JoinScene must be a whole number/],
    ['an event without Event', chatEvent({ Event: null }), /Event is missing/],
    ['a ChatId with children', chatEvent({ ChatId: '<A>1</A>' }), /ChatId must appear once, as text/],
    ['a ChatId too long', chatEvent({ ChatId: 'c'.repeat(300) }), /ChatId is longer than 256/],
    ['a MemChangeList of text', chatEvent({ MemChangeList: 'Jack' }), /must hold <Item>/],
    ['a MemChangeList with other elements', chatEvent({ MemChangeList: '<Item>a</Item><Other>b</Other>' }), /only hold <Item>/],
    ['an empty Item', chatEvent({ MemChangeList: '<Item></Item>' }), /Item must be an id/],
    ['a nested Item', chatEvent({ MemChangeList: '<Item><X>1</X></Item>' }), /deeper than 3/],
  ])('refuses %s', (_name, xml, error) => {
    const result = parseAppCallback(xml)
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.error).toMatch(error)
  })

  it('refuses a repeated ChatId', () => {
    const xml = chatEvent().replace('</xml>', `<ChatId>${CHAT}</ChatId></xml>`)
    expect(parseAppCallback(xml)).toEqual({ ok: false, error: 'ChatId must appear once, as text' })
  })
})

describe('dedupeKeyOf', () => {
  const key = (xml: string) => {
    const parsed = parseWecomXml(xml)
    if (!parsed.ok) throw new Error(parsed.error)
    return dedupeKeyOf(parsed.value)
  }

  it('messages by MsgId', () => {
    expect(key(fixture('valid-text-message.xml'))).toBe('msg:1234567890123456')
  })

  it('events by FromUserName, CreateTime, Event, ChangeType, ChatId and a digest of the content', () => {
    expect(key(fixture('valid-change-external-chat-add-member.xml'))).toMatch(/^event:sys:1403610513:change_external_chat:update:wrOgQhDgAAMYQiS5ol9G7gK9JVAAAA:[0-9a-f]{16}$/)
    expect(key(fixture('valid-change-external-contact.xml'))).toMatch(/^event:sys:1403610513:change_external_contact:add_external_contact::[0-9a-f]{16}$/)
  })

  it('a retry with other whitespace, element order or CDATA wrapping gets the same key', () => {
    const a = fixture('valid-change-external-chat-add-member.xml')
    const b = a.replace(/\s*\n\s*/g, '').replace('<CreateTime>1403610513</CreateTime>', '').replace('</xml>', '<CreateTime><![CDATA[1403610513]]></CreateTime></xml>')
    expect(b).not.toBe(a)
    expect(key(b)).toBe(key(a))
  })

  it.each<[string, Record<string, string | null>]>([
    ['another member joining in the same second', { MemChangeList: '<Item>wmB</Item>' }],
    ['a member leaving in the same second', { UpdateDetail: 'del_member', MemChangeList: '<Item>wmA</Item>' }],
    ['another group in the same second', { ChatId: 'wrOther', MemChangeList: '<Item>wmA</Item>' }],
    ['another second', { CreateTime: '1403610514', MemChangeList: '<Item>wmA</Item>' }],
  ])('tells apart %s', (_name, change) => {
    expect(key(chatEvent(change))).not.toBe(key(chatEvent({ MemChangeList: '<Item>wmA</Item>' })))
  })
})
