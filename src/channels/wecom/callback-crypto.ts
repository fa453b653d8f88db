import { createDecipheriv, randomBytes, timingSafeEqual } from 'node:crypto'
import { encrypt as wecomEncrypt, getSignature } from '@wecom/crypto'

export interface VerifyAndDecryptInput {
  token: string
  encodingAesKey: string
  /** The id the plaintext must end with: the corp id for app callbacks, "" for the AI bot. */
  receiveId: string
  /** msg_signature from the query string. */
  signature: string
  timestamp: string
  nonce: string
  /** The base64 ciphertext: `Encrypt` of the POST body, or the GET `echostr`. */
  encrypt: string
}

export type VerifyFailure = 'signature' | 'decrypt' | 'receive_id'
export type VerifyResult = { ok: true; plaintext: string } | { ok: false; reason: VerifyFailure }

/** WXBizMsgCrypt pads with PKCS#7 to 32-byte blocks (not AES's 16). */
const PAD_BLOCK = 32
/** 16 random bytes + a 4-byte big-endian length before the message. */
const HEADER = 20
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/
const utf8 = new TextDecoder('utf-8', { fatal: true })

/**
 * Checks a WeCom callback's signature, then decrypts it and checks its receive id. Pure; never throws.
 *
 * The signature is checked first, so nothing unauthenticated reaches the cipher. @wecom/crypto's `decrypt` returns
 * garbage instead of throwing on a wrong key and does not compare the receive id, so decryption is done here, with
 * strict padding, length and UTF-8 checks (2026-11-23, @wecom/crypto 1.0.1).
 *
 * @example
 * const result = verifyAndDecrypt({ token, encodingAesKey, receiveId: corpId, signature: q.msg_signature, timestamp: q.timestamp, nonce: q.nonce, encrypt: q.echostr })
 * if (result.ok) reply.send(result.plaintext)   // else result.reason: 'signature' | 'decrypt' | 'receive_id'
 */
export function verifyAndDecrypt(input: VerifyAndDecryptInput): VerifyResult {
  if (!signatureMatches(input)) return { ok: false, reason: 'signature' }
  const opened = openCiphertext(input.encodingAesKey, input.encrypt)
  if (!opened) return { ok: false, reason: 'decrypt' }
  if (opened.receiveId !== input.receiveId) return { ok: false, reason: 'receive_id' }
  return { ok: true, plaintext: opened.message }
}

/** sha1 over the sorted [token, timestamp, nonce, encrypt], compared in constant time. */
export function signatureMatches(input: Pick<VerifyAndDecryptInput, 'token' | 'signature' | 'timestamp' | 'nonce' | 'encrypt'>): boolean {
  const expected = Buffer.from(getSignature(input.token, input.timestamp, input.nonce, input.encrypt), 'utf8')
  const given = Buffer.from(String(input.signature).toLowerCase(), 'utf8')
  return given.length === expected.length && timingSafeEqual(given, expected)
}

function openCiphertext(encodingAesKey: string, encrypt: string): { message: string; receiveId: string } | undefined {
  try {
    const key = Buffer.from(`${encodingAesKey}=`, 'base64')
    if (key.length !== 32) return undefined
    if (!BASE64.test(encrypt) || encrypt.length % 4 !== 0) return undefined
    const cipherText = Buffer.from(encrypt, 'base64')
    if (cipherText.length === 0 || cipherText.length % 16 !== 0) return undefined
    const decipher = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16))
    decipher.setAutoPadding(false)
    const plain = Buffer.concat([decipher.update(cipherText), decipher.final()])
    const pad = plain[plain.length - 1]!
    if (pad < 1 || pad > PAD_BLOCK || pad > plain.length) return undefined
    for (let i = plain.length - pad; i < plain.length; i++) if (plain[i] !== pad) return undefined
    const content = plain.subarray(0, plain.length - pad)
    if (content.length < HEADER) return undefined
    const length = content.readUInt32BE(16)
    if (length > content.length - HEADER) return undefined
    return {
      message: utf8.decode(content.subarray(HEADER, HEADER + length)),
      receiveId: utf8.decode(content.subarray(HEADER + length)),
    }
  } catch {
    return undefined
  }
}

export interface EncryptReplyInput {
  token: string
  encodingAesKey: string
  receiveId: string
  plaintext: string
  /** Unix seconds (pass the injected clock's time). */
  timestamp: number
  /** Defaults to a random one. */
  nonce?: string
}

/** The passive-reply envelope WeCom expects back (JSON for the AI bot; the same four values as XML for apps). */
export interface EncryptedReply {
  encrypt: string
  msgsignature: string
  timestamp: number
  nonce: string
}

/**
 * Encrypts a passive reply the way WeCom decrypts it: 16 random bytes (crypto.randomBytes), length, message, receive id.
 *
 * @example
 * const envelope = encryptReply({ token, encodingAesKey, receiveId: '', plaintext: JSON.stringify(reply), timestamp: Math.floor(clock().getTime() / 1000) })
 */
export function encryptReply(input: EncryptReplyInput): EncryptedReply {
  const nonce = input.nonce ?? randomBytes(8).toString('hex')
  const encrypt = wecomEncrypt(input.encodingAesKey, input.plaintext, input.receiveId, randomBytes(16))
  return { encrypt, msgsignature: getSignature(input.token, input.timestamp, nonce, encrypt), timestamp: input.timestamp, nonce }
}
