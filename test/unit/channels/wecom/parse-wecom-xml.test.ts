import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseWecomXml, type XmlNode } from '../../../../src/channels/wecom/parse-wecom-xml.js'

const FIXTURES = path.resolve(import.meta.dirname, '../../../fixtures/wecom')
const fixture = (name: string) => fs.readFileSync(path.join(FIXTURES, name), 'utf8')

/** Deterministic PRNG (mulberry32): the same mutations on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const plain = (value: unknown) => JSON.parse(JSON.stringify(value)) as unknown

describe('parseWecomXml: what WeCom sends', () => {
  it.each<[string, string, XmlNode]>([
    ['CDATA and plain text', '<xml><ToUserName><![CDATA[toUser]]></ToUserName><CreateTime>1403610513</CreateTime></xml>', { ToUserName: 'toUser', CreateTime: '1403610513' }],
    ['the outer POST body', '<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName><Encrypt><![CDATA[RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911L3vg3W/sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8R07+qN+E7Q==]]></Encrypt><AgentID><![CDATA[218]]></AgentID></xml>', { ToUserName: 'wx5823bf96d3bd56c7', Encrypt: 'RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911L3vg3W/sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8R07+qN+E7Q==', AgentID: '218' }],
    ['the five entities and numeric references', '<xml><A>&lt;&gt;&amp;&quot;&apos; &#20320;&#x597D; &#x1F69A;</A></xml>', { A: '<>&"\' 你好 🚚' }],
    ['entities are not decoded inside CDATA', '<xml><A><![CDATA[&lt;b&gt; &amp;]]></A></xml>', { A: '&lt;b&gt; &amp;' }],
    ['a CDATA split around "]]>"', '<xml><A><![CDATA[a]]]]><![CDATA[>b]]></A></xml>', { A: 'a]]>b' }],
    ['text and CDATA mixed in one element', '<xml><A>x <![CDATA[<y>]]> z</A></xml>', { A: 'x <y> z' }],
    ['a self-closing and an empty element', '<xml><A/><B></B><C /></xml>', { A: '', B: '', C: '' }],
    ['repeated elements become an array', '<xml><List><Item>a</Item><Item><![CDATA[b]]></Item><Item>c</Item></List></xml>', { List: { Item: ['a', 'b', 'c'] } }],
    ['a single item stays a string', '<xml><List><Item>a</Item></List></xml>', { List: { Item: 'a' } }],
    ['an XML declaration, BOM, whitespace and newlines', '\uFEFF<?xml version="1.0" encoding="UTF-8"?>\r\n<xml>\n\t<A>1</A>\n</xml>\n', { A: '1' }],
    ['whitespace inside tags', '<xml ><A >1</A ></xml >', { A: '1' }],
    ['an empty root', '<xml/>', {}],
    ['an empty root with whitespace', '<xml> \n </xml>', {}],
    ['Chinese text as is', '<xml><Content>我的快递到哪了？</Content></xml>', { Content: '我的快递到哪了？' }],
  ])('%s', (_name, input, expected) => {
    const result = parseWecomXml(input)
    expect(result.ok).toBe(true)
    if (result.ok) expect(plain(result.value)).toEqual(expected)
  })

  it('reads the add_member fixture', () => {
    const result = parseWecomXml(fixture('valid-change-external-chat-add-member.xml'))
    expect(result.ok && plain(result.value)).toMatchObject({
      ChatId: 'wrOgQhDgAAMYQiS5ol9G7gK9JVAAAA',
      MemChangeList: { Item: ['wmOgQhDgAAuXFJGwbve4g4iXknfOAAAA', 'wmOgQhDgAAnvEkx7rrIUZRLwQ4DnBBBB'] },
      JoinScene: '3',
    })
  })
})

describe('parseWecomXml refuses what WeCom never sends', () => {
  it.each<[string, string, RegExp]>([
    ['evil-billion-laughs.xml', fixture('evil-billion-laughs.xml'), /DOCTYPE/],
    ['evil-external-entity.xml', fixture('evil-external-entity.xml'), /DOCTYPE/],
    ['evil-processing-instruction.xml', fixture('evil-processing-instruction.xml'), /processing instruction/],
    ['evil-deep-nesting.xml', fixture('evil-deep-nesting.xml'), /deeper than 3/],
    ['malformed-unclosed.xml', fixture('malformed-unclosed.xml'), /not closed|unterminated/],
    ['malformed-mixed-content.xml', fixture('malformed-mixed-content.xml'), /mixes text and elements/],
    ['a lower-case doctype', '<!doctype xml><xml/>', /DOCTYPE/],
    ['a DOCTYPE after the declaration', '<?xml version="1.0"?><!DOCTYPE xml SYSTEM "http://evil.example/x.dtd"><xml/>', /DOCTYPE/],
    ['an ENTITY inside an element', '<xml><A><!ENTITY a "b"></A></xml>', /DOCTYPE and ENTITY/],
    ['a comment', '<xml><!-- hi --><A>1</A></xml>', /comments/],
    ['a second declaration', '<?xml version="1.0"?><?xml version="1.0"?><xml/>', /processing instruction/],
    ['a processing instruction before the root', '<?php echo 1 ?><xml/>', /processing instruction/],
    ['a declaration that never ends', '<?xml version="1.0"<xml/>', /unterminated/],
    ['other markup declarations', '<xml><![INCLUDE[ x ]]></xml>', /markup declarations/],
    ['attributes', '<xml><A b="c">1</A></xml>', /attributes/],
    ['mismatched tags', '<xml><A>1</B></xml>', /closes/],
    ['an unterminated CDATA', '<xml><A><![CDATA[abc</A></xml>', /unterminated CDATA/],
    ['two roots', '<xml/><xml/>', /after <\/xml>/],
    ['trailing text', '<xml/>junk', /after <\/xml>/],
    ['leading text', 'junk<xml/>', /expected an element/],
    ['another root name', '<root><A>1</A></root>', /root element must be <xml>/],
    ['text in the root', '<xml>hello</xml>', /holds text/],
    ['an unknown entity', '<xml><A>&nbsp;</A></xml>', /unknown entity/],
    ['a bare ampersand', '<xml><A>fish & chips</A></xml>', /bare &|unknown entity/],
    ['&#0;', '<xml><A>&#0;</A></xml>', /not a valid XML character/],
    ['a lone surrogate reference', '<xml><A>&#xD800;</A></xml>', /not a valid XML character/],
    ['a reference past U+10FFFF', '<xml><A>&#x110000;</A></xml>', /not a valid XML character/],
    ['a name starting with a digit', '<xml><1A>x</1A></xml>', /element name/],
    ['a namespaced name', '<xml><a:b>x</a:b></xml>', /attributes|malformed/],
    ['a very long name', `<xml><${'A'.repeat(100)}>x</${'A'.repeat(100)}></xml>`, /longer than 64/],
    ['the empty string', '', /empty/],
    ['only whitespace', '  \n', /empty/],
    ['more than 64 KB', `<xml><A>${'x'.repeat(64 * 1024)}</A></xml>`, /larger than 65536 bytes/],
    ['64 KB of multi-byte characters (bytes, not characters, count)', `<xml><A>${'字'.repeat(22_000)}</A></xml>`, /larger than/],
    ['too many elements', `<xml><L>${'<Item>a</Item>'.repeat(2100)}</L></xml>`, /more than 2048 elements/],
  ])('%s', (_name, input, error) => {
    const result = parseWecomXml(input)
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.error).toMatch(error)
  })

  it.each([[undefined], [null], [42], [{ xml: 1 }], [Buffer.from('<xml/>')]])('refuses a %j that is not a string', (input) => {
    expect(parseWecomXml(input)).toEqual({ ok: false, error: 'the body is not text' })
  })

  it('honours tighter limits', () => {
    expect(parseWecomXml('<xml><A>1</A><B>2</B></xml>', { maxElements: 2 }).ok).toBe(false)
    expect(parseWecomXml('<xml><A><B>1</B></A></xml>', { maxDepth: 2 }).ok).toBe(false)
    expect(parseWecomXml('<xml><A>1</A></xml>', { maxBytes: 10 }).ok).toBe(false)
  })

  it('cannot pollute prototypes (evil-proto-pollution.xml)', () => {
    const result = parseWecomXml(fixture('evil-proto-pollution.xml'))
    expect(result.ok).toBe(true)
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect((Object.prototype as Record<string, unknown>).polluted).toBeUndefined()
    if (result.ok) {
      expect(Object.getPrototypeOf(result.value)).toBeNull()
      expect(result.value.MsgType).toBe('text')
      expect(Object.keys(result.value)).toEqual(['__proto__', 'constructor', 'MsgType'])
    }
  })
})

describe('parseWecomXml under random mutation (never throws, always answers)', () => {
  const seeds = [
    fixture('valid-change-external-chat-add-member.xml'),
    fixture('valid-text-message.xml'),
    fixture('valid-change-external-chat-create.xml'),
    fixture('evil-billion-laughs.xml'),
    '<xml><A>&amp;&#x41;</A><L><Item>a</Item><Item>b</Item></L></xml>',
  ]
  const tokens = ['<', '>', '/', '</', '/>', '<xml>', '</xml>', '<![CDATA[', ']]>', '&', ';', '&#', '&#x', '&amp;', '<!', '<?', '?>', '<!DOCTYPE', '<!--', '"', '=', ' ', '\n', '\u0000', '\uD800', '字', '🚚', 'Item', 'xml', '__proto__']

  function mutate(input: string, random: () => number): string {
    let s = input
    const edits = 1 + Math.floor(random() * 4)
    for (let i = 0; i < edits; i++) {
      const at = Math.floor(random() * (s.length + 1))
      const op = Math.floor(random() * 6)
      if (op === 0) s = s.slice(0, at) + s.slice(at + 1 + Math.floor(random() * 8)) // delete
      else if (op === 1) s = s.slice(0, at) + tokens[Math.floor(random() * tokens.length)] + s.slice(at) // insert a token
      else if (op === 2) s = s.slice(0, at) + String.fromCharCode(Math.floor(random() * 0x10000)) + s.slice(at + 1) // replace a char
      else if (op === 3) s = s.slice(0, at) // truncate
      else if (op === 4) s = s.slice(0, at) + s.slice(at, at + 40).repeat(1 + Math.floor(random() * 4)) + s.slice(at) // duplicate a slice
      else s = s.slice(at) + s.slice(0, at) // rotate
    }
    return s
  }

  // Plain checks in the loop (expect() per iteration is slow); the failures are reported together.
  it('20,000 mutations of valid and evil documents', () => {
    const random = prng(0x5eed)
    const failures: string[] = []
    let accepted = 0
    for (let i = 0; i < 20_000; i++) {
      const input = mutate(seeds[i % seeds.length]!, random)
      try {
        const result = parseWecomXml(input)
        if (result.ok) {
          accepted++
          // Declarations, comments and processing instructions may only survive as text inside CDATA.
          if (/<!DOCTYPE|<!ENTITY|<!--|<\?(?!xml)/i.test(input.replace(/<!\[CDATA\[[\s\S]*?\]\]>/g, ''))) failures.push(`accepted markup: ${JSON.stringify(input)}`)
        } else if (typeof result.error !== 'string' || result.error === '') {
          failures.push(`no error message: ${JSON.stringify(input)}`)
        }
      } catch (error) {
        failures.push(`threw ${String(error)}: ${JSON.stringify(input)}`)
      }
    }
    expect(failures.slice(0, 5)).toEqual([])
    // Some mutations stay valid (a changed character inside text): the parser is not just refusing everything.
    expect(accepted).toBeGreaterThan(100)
  })

  it('5,000 random token soups', () => {
    const random = prng(42)
    const thrown: string[] = []
    for (let i = 0; i < 5_000; i++) {
      const length = Math.floor(random() * 60)
      let s = ''
      for (let j = 0; j < length; j++) s += tokens[Math.floor(random() * tokens.length)]
      try {
        parseWecomXml(s)
      } catch (error) {
        thrown.push(`${String(error)}: ${JSON.stringify(s)}`)
      }
    }
    expect(thrown.slice(0, 5)).toEqual([])
  })
})
