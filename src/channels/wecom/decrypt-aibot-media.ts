import { createDecipheriv } from 'node:crypto'

/** Like the callbacks (WXBizMsgCrypt), the files are padded with PKCS#7 to 32-byte blocks, not AES's 16. */
const PAD_BLOCK = 32

/** Why a downloaded file could not be opened; the message says what to check. */
export class AibotMediaDecryptError extends Error {
  override readonly name = 'AibotMediaDecryptError'
}

/**
 * The AES key a picture or file of the AI bot is encrypted with: the message's own `aeskey` when it has one
 * (long-connection mode), else the bot's EncodingAESKey (`Base64_Decode(EncodingAESKey + "=")`). 32 bytes.
 * Throws AibotMediaDecryptError when neither gives 32 bytes.
 *
 * @example
 * aibotMediaKey('abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG').length   // 32
 */
export function aibotMediaKey(encodingAesKey: string | undefined, messageKey?: string): Buffer {
  const source = messageKey ?? encodingAesKey
  if (source === undefined) throw new AibotMediaDecryptError('no AES key: set QUNDESK_WECOM_AIBOT_ENCODING_AES_KEY to the AI bot\'s EncodingAESKey')
  const key = Buffer.from(source.length === 43 ? `${source}=` : source, 'base64')
  if (key.length !== 32) throw new AibotMediaDecryptError(`the ${messageKey === undefined ? 'EncodingAESKey' : 'message\'s aeskey'} is not the base64 of 32 bytes`)
  return key
}

/**
 * Decrypts a picture or file downloaded from the AI bot's URL: AES-256-CBC, IV = the key's first 16 bytes, PKCS#7
 * padding to 32 bytes (WeCom 智能机器人「加解密方案」, checked 2026-12-02). The padding is checked strictly, so a wrong
 * key is an error rather than garbage (almost always: a wrong key passes the padding check about once in 256 tries,
 * and the bytes then sniff as nothing). Pure; throws AibotMediaDecryptError.
 *
 * @example
 * const png = decryptAibotMedia(await response.arrayBuffer(), aibotMediaKey(config.wecomOfficial.aibot.encodingAesKey))
 */
export function decryptAibotMedia(encrypted: Uint8Array, key: Buffer): Buffer {
  if (key.length !== 32) throw new AibotMediaDecryptError('the AES key must be 32 bytes')
  if (encrypted.length === 0) throw new AibotMediaDecryptError('the download is empty')
  if (encrypted.length % 16 !== 0) throw new AibotMediaDecryptError(`the download is ${encrypted.length} bytes, not whole AES blocks: not an encrypted WeCom file`)
  const decipher = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16))
  decipher.setAutoPadding(false)
  const plain = Buffer.concat([decipher.update(encrypted), decipher.final()])
  const pad = plain[plain.length - 1]!
  let padded = pad >= 1 && pad <= PAD_BLOCK && pad <= plain.length
  for (let i = plain.length - pad; padded && i < plain.length; i++) if (plain[i] !== pad) padded = false
  if (!padded) throw new AibotMediaDecryptError('the file does not decrypt with this key (wrong EncodingAESKey or aeskey?)')
  return plain.subarray(0, plain.length - pad)
}
