import crypto from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { createContentCipher, newContentKeyEntry, parseContentKeys, sealedKeyId, SEALED_PREFIX, ContentKeyError } from '../../../src/storage/content-cipher.js'

const key = (id: string) => ({ id, key: crypto.randomBytes(32) })
const K1 = key('k1')
const K2 = key('k2')

describe('content cipher (AES-256-GCM)', () => {
  it('seals Chinese text and emoji so that it opens to the same text, and the sealed form names its key', () => {
    const cipher = createContentCipher('k1', [K1])
    for (const text of ['我的快递到哪了 13812345678', '订单号 DD20261123001 😀', '好', '\n\t\u0000']) {
      const sealed = cipher.seal(text)
      expect(sealed.startsWith(`${SEALED_PREFIX}k1:`)).toBe(true)
      expect(sealed).not.toContain(text)
      expect(sealedKeyId(sealed)).toBe('k1')
      expect(cipher.open(sealed)).toBe(text)
    }
  })

  it('seals the same text differently each time (random IV)', () => {
    const cipher = createContentCipher('k1', [K1])
    expect(cipher.seal('你好')).not.toBe(cipher.seal('你好'))
  })

  it('leaves the empty string (purged content) and already sealed values as they are, and opens plain text as plain', () => {
    const cipher = createContentCipher('k1', [K1])
    expect(cipher.seal('')).toBe('')
    const sealed = cipher.seal('你好')
    expect(cipher.seal(sealed)).toBe(sealed)
    expect(cipher.open('旧的明文消息')).toBe('旧的明文消息')
    expect(sealedKeyId('旧的明文消息')).toBeNull()
  })

  it('opens content sealed with an older key while sealing new content with the active one', () => {
    const old = createContentCipher('k1', [K1]).seal('老消息')
    const rotated = createContentCipher('k2', [K2, K1])
    expect(rotated.open(old)).toBe('老消息')
    expect(sealedKeyId(rotated.seal('新消息'))).toBe('k2')
  })

  it('writes plain text when the active entry is plaintext, and still opens the listed keys', () => {
    const old = createContentCipher('k1', [K1]).seal('老消息')
    const off = createContentCipher(null, [K1])
    expect(off.seal('新消息')).toBe('新消息')
    expect(off.open(old)).toBe('老消息')
  })

  it('refuses a value under a key it does not have, naming the key', () => {
    const sealed = createContentCipher('k1', [K1]).seal('你好')
    expect(() => createContentCipher('k2', [K2]).open(sealed)).toThrow(/key "k1", which QUNDESK_CONTENT_KEYS does not list/)
  })

  it('refuses a value opened with a different key under the same id', () => {
    const sealed = createContentCipher('k1', [K1]).seal('你好')
    expect(() => createContentCipher('k1', [key('k1')]).open(sealed)).toThrow(ContentKeyError)
  })

  it('refuses an altered value, a truncated one, and one relabelled to another key id', () => {
    const both = createContentCipher('k1', [K1, { id: 'k9', key: K1.key }])
    const sealed = both.seal('转账 500 元')
    const body = sealed.slice(`${SEALED_PREFIX}k1:`.length)
    const flipped = body.slice(0, 20) + (body[20] === 'A' ? 'B' : 'A') + body.slice(21)
    expect(() => both.open(`${SEALED_PREFIX}k1:${flipped}`)).toThrow(/does not open/)
    expect(() => both.open(`${SEALED_PREFIX}k1:${body.slice(0, 10)}`)).toThrow(/truncated/)
    // Same key bytes, other id: the id is bound in as additional data, so the value does not open.
    expect(() => both.open(`${SEALED_PREFIX}k9:${body}`)).toThrow(/does not open/)
  })

  it('fingerprints a key the same way every time and differently from another key', () => {
    const cipher = createContentCipher('k1', [K1, K2])
    expect(cipher.fingerprint('k1')).toMatch(/^[0-9a-f]{16}$/)
    expect(cipher.fingerprint('k1')).toBe(createContentCipher('k1', [K1]).fingerprint('k1'))
    expect(cipher.fingerprint('k1')).not.toBe(cipher.fingerprint('k2'))
  })
})

describe('QUNDESK_CONTENT_KEYS parsing', () => {
  it('reads base64 and hex keys, the first entry active', () => {
    const hex = crypto.randomBytes(32).toString('hex')
    const parsed = parseContentKeys(`${newContentKeyEntry('2026b')}, old:${hex}`)
    expect(parsed.problems).toEqual([])
    expect(parsed.active).toBe('2026b')
    expect(parsed.keys.map((k) => k.id)).toEqual(['2026b', 'old'])
    expect(parsed.keys[1]!.key.toString('hex')).toBe(hex)
  })

  it('takes plaintext first as "write plain" and refuses it anywhere else', () => {
    expect(parseContentKeys(`plaintext,${newContentKeyEntry('k1')}`)).toMatchObject({ active: null, problems: [] })
    expect(parseContentKeys(`${newContentKeyEntry('k1')},plaintext`).problems).toEqual([expect.stringContaining('may only be the first entry')])
  })

  it('lists every bad entry without repeating any key material', () => {
    const short = crypto.randomBytes(16).toString('base64')
    const good = newContentKeyEntry('k1')
    const parsed = parseContentKeys(`k1:${short},bad id:${crypto.randomBytes(32).toString('base64')},${good},${good},nocolon, ,`)
    expect(parsed.problems).toHaveLength(4)
    expect(parsed.problems.join('\n')).toMatch(/key "k1" must be 32 bytes/)
    expect(parsed.problems.join('\n')).toMatch(/entry 2 must be "id:key"/)
    expect(parsed.problems.join('\n')).toMatch(/lists the key id "k1" twice|key "k1" must be 32 bytes/)
    for (const problem of parsed.problems) {
      expect(problem).not.toContain(short)
      expect(problem).not.toContain(good.slice(3))
    }
    expect(parseContentKeys(' , ').problems).toEqual(['QUNDESK_CONTENT_KEYS is set but lists no key'])
  })

  it('makes fresh entries that parse back, and refuses a bad id', () => {
    const entry = newContentKeyEntry('k_2026-11')
    expect(parseContentKeys(entry)).toMatchObject({ active: 'k_2026-11', problems: [] })
    expect(newContentKeyEntry('k1')).not.toBe(newContentKeyEntry('k1'))
    expect(() => newContentKeyEntry('有空格 的')).toThrow(ContentKeyError)
  })
})
