import { createCipheriv, createHash } from 'node:crypto'
import { decrypt as wecomDecrypt, getSignature } from '@wecom/crypto'
import { describe, expect, it } from 'vitest'
import { encryptReply, verifyAndDecrypt, type VerifyAndDecryptInput } from '../../../../src/channels/wecom/callback-crypto.js'

// WeCom's official WXBizMsgCrypt sample (URL verification).
const OFFICIAL = {
  token: 'QDG6eK',
  encodingAesKey: 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C',
  receiveId: 'wx5823bf96d3bd56c7',
  signature: '5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3',
  timestamp: '1409659589',
  nonce: '263014780',
  encrypt: 'P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ==',
} satisfies VerifyAndDecryptInput
const OFFICIAL_PLAINTEXT = '1616140317555161061'
const OTHER_KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG'

/** A request signed with the official token over any ciphertext: checks everything after the signature. */
function signed(encrypt: string, overrides: Partial<VerifyAndDecryptInput> = {}): VerifyAndDecryptInput {
  const base = { ...OFFICIAL, encrypt, ...overrides }
  return { ...base, signature: getSignature(base.token, base.timestamp, base.nonce, encrypt) }
}

/** Raw AES-256-CBC with WeCom's key/iv derivation, no padding added: to craft hostile plaintexts. */
function rawEncrypt(plain: Buffer, encodingAesKey = OFFICIAL.encodingAesKey): string {
  const key = Buffer.from(`${encodingAesKey}=`, 'base64')
  const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16))
  cipher.setAutoPadding(false)
  return Buffer.concat([cipher.update(plain), cipher.final()]).toString('base64')
}
function framed(message: Buffer, id: string, lengthField = message.length): Buffer {
  const length = Buffer.alloc(4)
  length.writeUInt32BE(lengthField >>> 0)
  return Buffer.concat([Buffer.alloc(16, 7), length, message, Buffer.from(id)])
}
function withLastByte(data: Buffer, value: number): Buffer {
  data[data.length - 1] = value
  return data
}
function pad32(data: Buffer): Buffer {
  const n = 32 - (data.length % 32)
  return Buffer.concat([data, Buffer.alloc(n, n)])
}

describe('verifyAndDecrypt with the official WXBizMsgCrypt sample', () => {
  it('verifies the signature and decrypts the echostr', () => {
    expect(getSignature(OFFICIAL.token, OFFICIAL.timestamp, OFFICIAL.nonce, OFFICIAL.encrypt)).toBe(OFFICIAL.signature)
    expect(verifyAndDecrypt(OFFICIAL)).toEqual({ ok: true, plaintext: OFFICIAL_PLAINTEXT })
  })

  it('accepts the signature in upper case hex', () => {
    expect(verifyAndDecrypt({ ...OFFICIAL, signature: OFFICIAL.signature.toUpperCase() }).ok).toBe(true)
  })

  it.each<[string, Partial<VerifyAndDecryptInput>, string]>([
    ['one hex digit changed', { signature: `${OFFICIAL.signature.slice(0, -1)}4` }, 'signature'],
    ['a shorter signature', { signature: OFFICIAL.signature.slice(0, 39) }, 'signature'],
    ['a longer signature', { signature: `${OFFICIAL.signature}0` }, 'signature'],
    ['an empty signature', { signature: '' }, 'signature'],
    ['a non-ASCII signature of the right length', { signature: '签'.repeat(40) }, 'signature'],
    ['another token', { token: 'QDG6eL' }, 'signature'],
    ['another timestamp', { timestamp: '1409659590' }, 'signature'],
    ['another nonce', { nonce: '263014781' }, 'signature'],
    ['a modified echostr', { encrypt: `Q${OFFICIAL.encrypt.slice(1)}` }, 'signature'],
    ['another EncodingAESKey (signature still right)', { encodingAesKey: OTHER_KEY }, 'decrypt'],
    ['an EncodingAESKey of the wrong length', { encodingAesKey: 'short' }, 'decrypt'],
    ['another corp id', { receiveId: 'wx0000000000000000' }, 'receive_id'],
    ['the AI bot receive id ""', { receiveId: '' }, 'receive_id'],
  ])('refuses %s', (_name, overrides, reason) => {
    expect(verifyAndDecrypt({ ...OFFICIAL, ...overrides })).toEqual({ ok: false, reason })
  })
})

describe('verifyAndDecrypt on signed garbage (a leaked token must not get past decryption)', () => {
  const valid = encryptReply({ ...OFFICIAL, plaintext: '<xml/>', timestamp: 1 }).encrypt
  it.each<[string, string]>([
    ['an empty ciphertext', ''],
    ['not base64', 'this is not base64!'],
    ['base64 of fewer than 16 bytes', 'YWJj'],
    ['truncated by one block', valid.slice(0, -24)],
    ['truncated mid-block', valid.slice(0, 30)],
    ['base64 without its padding', OFFICIAL.encrypt.replace(/=+$/, '')],
    ['one flipped character in the last block', `${valid.slice(0, -6)}${valid.at(-6) === 'A' ? 'B' : 'A'}${valid.slice(-5)}`],
    ['random blocks', Buffer.alloc(64, 0x5a).toString('base64')],
    ['a zero padding byte', rawEncrypt(withLastByte(pad32(framed(Buffer.from('hi'), OFFICIAL.receiveId)), 0))],
    ['padding bytes that disagree', rawEncrypt(withLastByte(pad32(framed(Buffer.from('hi'), OFFICIAL.receiveId)), 5))],
    ['a padding byte above 32', rawEncrypt(Buffer.concat([Buffer.alloc(16, 1), Buffer.alloc(16, 40)]))],
    ['an absurd length field', rawEncrypt(pad32(framed(Buffer.from('hi'), OFFICIAL.receiveId, 0xffffffff)))],
    ['a length field one past the end', rawEncrypt(pad32(framed(Buffer.from('hi'), '', 3)))],
    ['a plaintext shorter than its 20-byte header', rawEncrypt(pad32(Buffer.alloc(10, 1)))],
    ['invalid UTF-8 in the message', rawEncrypt(pad32(framed(Buffer.from([0xff, 0xfe, 0xc3]), OFFICIAL.receiveId)))],
  ])('%s -> decrypt', (_name, encrypt) => {
    expect(verifyAndDecrypt(signed(encrypt))).toEqual({ ok: false, reason: 'decrypt' })
  })

  it('a hand-framed plaintext with the right id and padding decrypts (the crafting above is sound)', () => {
    expect(verifyAndDecrypt(signed(rawEncrypt(pad32(framed(Buffer.from('你好'), OFFICIAL.receiveId)))))).toEqual({ ok: true, plaintext: '你好' })
  })
})

describe('encryptReply (the passive-reply envelope) round trips', () => {
  it.each<[string, string, string]>([
    ['ASCII for the corp', 'success', OFFICIAL.receiveId],
    ['Chinese for the AI bot', JSON.stringify({ msgtype: 'text', text: { content: '您好，快递已发出 🚚' } }), ''],
    ['an empty message', '', OFFICIAL.receiveId],
    ['exactly one padding block', 'x'.repeat(64 - 20 - OFFICIAL.receiveId.length), OFFICIAL.receiveId],
    ['60 KB', '字'.repeat(20_000), OFFICIAL.receiveId],
  ])('%s', (_name, plaintext, receiveId) => {
    const envelope = encryptReply({ ...OFFICIAL, receiveId, plaintext, timestamp: 1409659813, nonce: '1372623149' })
    expect(envelope.timestamp).toBe(1409659813)
    expect(envelope.nonce).toBe('1372623149')
    expect(envelope.msgsignature).toBe(createHash('sha1').update([OFFICIAL.token, '1409659813', '1372623149', envelope.encrypt].sort().join('')).digest('hex'))
    expect(verifyAndDecrypt({ ...OFFICIAL, receiveId, signature: envelope.msgsignature, timestamp: '1409659813', nonce: '1372623149', encrypt: envelope.encrypt })).toEqual({ ok: true, plaintext })
    // And WeCom's own library reads it the same way.
    expect(wecomDecrypt(OFFICIAL.encodingAesKey, envelope.encrypt)).toMatchObject({ message: plaintext, id: receiveId })
  })

  it('uses fresh random bytes and a random nonce each time', () => {
    const keys = { token: OFFICIAL.token, encodingAesKey: OFFICIAL.encodingAesKey, receiveId: OFFICIAL.receiveId }
    const a = encryptReply({ ...keys, plaintext: 'same', timestamp: 1 })
    const b = encryptReply({ ...keys, plaintext: 'same', timestamp: 1 })
    expect(a.encrypt).not.toBe(b.encrypt)
    expect(a.nonce).not.toBe(b.nonce)
    expect(a.nonce).toMatch(/^[0-9a-f]{16}$/)
  })

  it('a reply encrypted for one receiver is refused for another', () => {
    const envelope = encryptReply({ ...OFFICIAL, receiveId: 'wx0000000000000000', plaintext: 'x', timestamp: 5 })
    expect(verifyAndDecrypt({ ...OFFICIAL, signature: envelope.msgsignature, timestamp: '5', nonce: envelope.nonce, encrypt: envelope.encrypt })).toEqual({ ok: false, reason: 'receive_id' })
  })
})
