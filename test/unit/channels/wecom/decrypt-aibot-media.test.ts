import { createCipheriv, randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { AibotMediaDecryptError, aibotMediaKey, decryptAibotMedia } from '../../../../src/channels/wecom/decrypt-aibot-media.js'

const ENCODING_AES_KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG'
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(1000)])

/** WeCom's scheme, written with Node's crypto directly (not our code): AES-256-CBC, IV = key[0..16), PKCS#7 to 32 bytes. */
function encryptLikeWecom(plain: Buffer, key: Buffer): Buffer {
  const pad = 32 - (plain.length % 32)
  const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16))
  cipher.setAutoPadding(false)
  return Buffer.concat([cipher.update(Buffer.concat([plain, Buffer.alloc(pad, pad)])), cipher.final()])
}

describe('aibotMediaKey', () => {
  it('is Base64_Decode(EncodingAESKey + "="), 32 bytes', () => {
    expect(aibotMediaKey(ENCODING_AES_KEY)).toEqual(Buffer.from(`${ENCODING_AES_KEY}=`, 'base64'))
    expect(aibotMediaKey(ENCODING_AES_KEY)).toHaveLength(32)
  })

  it('prefers the message\'s own aeskey, with or without its "="', () => {
    const own = randomBytes(32)
    expect(aibotMediaKey(ENCODING_AES_KEY, own.toString('base64'))).toEqual(own)
    expect(aibotMediaKey(ENCODING_AES_KEY, own.toString('base64').replace(/=$/, ''))).toEqual(own)
    expect(aibotMediaKey(undefined, own.toString('base64'))).toEqual(own)
  })

  it('says what to set when there is no key, and refuses one that is not 32 bytes', () => {
    expect(() => aibotMediaKey(undefined)).toThrow(/QUNDESK_WECOM_AIBOT_ENCODING_AES_KEY/)
    expect(() => aibotMediaKey('c2hvcnQ')).toThrow(/EncodingAESKey is not the base64 of 32 bytes/)
    expect(() => aibotMediaKey(ENCODING_AES_KEY, 'c2hvcnQ=')).toThrow(/aeskey is not the base64 of 32 bytes/)
  })
})

describe('decryptAibotMedia', () => {
  it.each([0, 1, 31, 32, 33, 1000])('round-trips %i bytes encrypted with Node crypto', (length) => {
    const key = aibotMediaKey(ENCODING_AES_KEY)
    const plain = randomBytes(length)
    const encrypted = encryptLikeWecom(plain, key)
    expect(encrypted.length % 32).toBe(0)
    expect(decryptAibotMedia(encrypted, key)).toEqual(plain)
  })

  it('opens a PNG encrypted with a per-message key', () => {
    const key = randomBytes(32)
    expect(decryptAibotMedia(encryptLikeWecom(PNG, key), aibotMediaKey(ENCODING_AES_KEY, key.toString('base64')))).toEqual(PNG)
  })

  it('refuses a wrong key with a clear error, not garbage', () => {
    const encrypted = encryptLikeWecom(PNG, aibotMediaKey(ENCODING_AES_KEY))
    // A fixed other key: its padding check fails (a random one would pass about once in 256 tries).
    const wrong = Buffer.alloc(32, 7)
    expect(() => decryptAibotMedia(encrypted, wrong)).toThrow(AibotMediaDecryptError)
    expect(() => decryptAibotMedia(encrypted, wrong)).toThrow(/does not decrypt with this key \(wrong EncodingAESKey or aeskey\?\)/)
  })

  it.each<[string, Buffer, RegExp]>([
    ['an empty download', Buffer.alloc(0), /empty/],
    ['a download that is not whole AES blocks (an unencrypted PNG)', PNG.subarray(0, 1001), /1001 bytes, not whole AES blocks/],
    ['16 bytes of zeros', Buffer.alloc(16), /does not decrypt/],
  ])('refuses %s', (_name, data, error) => {
    expect(() => decryptAibotMedia(data, aibotMediaKey(ENCODING_AES_KEY))).toThrow(error)
  })

  it('refuses a key that is not 32 bytes', () => {
    expect(() => decryptAibotMedia(Buffer.alloc(32), Buffer.alloc(16))).toThrow(/32 bytes/)
  })
})
