import crypto from 'node:crypto'

/**
 * Encryption of stored message content (AES-256-GCM) with named keys, so keys can be rotated.
 *
 * A sealed value is text: `qdenc1:<keyId>:<base64url(iv ‖ ciphertext ‖ tag)>`. The prefix and key id are bound in as
 * additional data, so a value cannot be moved to another key id. Unsealed (plain) values pass through `open`
 * unchanged: turning encryption on for an existing database works, and `qundesk content-key rotate` seals the rest.
 * The empty string stays empty: it is the mark of purged content, and says nothing.
 */
export interface ContentKey {
  id: string
  key: Buffer
}

export interface ContentCipher {
  /** Key new content is sealed with; null when new content is written plain (encryption being turned off). */
  readonly activeKeyId: string | null
  /** Every key id that can be opened. */
  readonly keyIds: readonly string[]
  seal(plain: string): string
  /** Plain text of a sealed value; a plain value as it is. Throws ContentKeyError for an unknown key or a forged value. */
  open(stored: string): string
  /** A short fingerprint of a key (not reversible), recorded in the database to catch a wrong key under a known id. */
  fingerprint(keyId: string): string
}

export const SEALED_PREFIX = 'qdenc1:'
const IV_BYTES = 12
const TAG_BYTES = 16
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/
/** Written first in QUNDESK_CONTENT_KEYS, it means "write plain, but still read these keys": how encryption is turned off. */
export const PLAINTEXT_ENTRY = 'plaintext'

export class ContentKeyError extends Error {
  constructor(message: string, readonly keyId?: string) {
    super(message)
    this.name = 'ContentKeyError'
  }
}

export const isSealed = (value: unknown): value is string => typeof value === 'string' && value.startsWith(SEALED_PREFIX)

/** Key id of a sealed value, or null for plain text. */
export function sealedKeyId(value: string): string | null {
  if (!isSealed(value)) return null
  const end = value.indexOf(':', SEALED_PREFIX.length)
  return end < 0 ? null : value.slice(SEALED_PREFIX.length, end)
}

/**
 * Parses QUNDESK_CONTENT_KEYS: comma-separated `id:key` entries, the key 32 bytes in base64 or hex; the first entry
 * is the active key, the others are kept to read older content. Returns problems instead of throwing, for the
 * config loader to list them all. Problems never contain key material.
 */
export function parseContentKeys(value: string): { active: string | null; keys: ContentKey[]; problems: string[] } {
  const problems: string[] = []
  const keys: ContentKey[] = []
  let active: string | null = null
  const entries = value.split(',').map((e) => e.trim()).filter((e) => e !== '')
  if (entries.length === 0) problems.push('QUNDESK_CONTENT_KEYS is set but lists no key')
  entries.forEach((entry, index) => {
    if (entry === PLAINTEXT_ENTRY) {
      if (index === 0) active = null
      else problems.push(`QUNDESK_CONTENT_KEYS: "${PLAINTEXT_ENTRY}" may only be the first entry (it means: write new content unencrypted)`)
      return
    }
    const colon = entry.indexOf(':')
    const id = colon < 0 ? '' : entry.slice(0, colon)
    if (!KEY_ID.test(id)) {
      problems.push(`QUNDESK_CONTENT_KEYS entry ${index + 1} must be "id:key" with an id of letters, digits, - or _ (up to 32), e.g. "2026a:<32 bytes in base64>"`)
      return
    }
    const key = decodeKey(entry.slice(colon + 1))
    if (!key) {
      problems.push(`QUNDESK_CONTENT_KEYS key "${id}" must be 32 bytes, written as 44 base64 or 64 hex characters (make one with: qundesk content-key new)`)
      return
    }
    if (keys.some((k) => k.id === id)) {
      problems.push(`QUNDESK_CONTENT_KEYS lists the key id "${id}" twice`)
      return
    }
    keys.push({ id, key })
    if (index === 0) active = id
  })
  return { active, keys, problems }
}

function decodeKey(text: string): Buffer | undefined {
  if (/^[0-9a-fA-F]{64}$/.test(text)) return Buffer.from(text, 'hex')
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(text)) {
    const key = Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64')
    return key.length === 32 ? key : undefined
  }
  return undefined
}

/** A fresh key entry for QUNDESK_CONTENT_KEYS. */
export function newContentKeyEntry(id: string): string {
  if (!KEY_ID.test(id)) throw new ContentKeyError(`Key id "${id}" must be letters, digits, - or _ (up to 32)`)
  return `${id}:${crypto.randomBytes(32).toString('base64')}`
}

export function createContentCipher(active: string | null, keys: readonly ContentKey[]): ContentCipher {
  const byId = new Map(keys.map((k) => [k.id, k.key]))
  if (active !== null && !byId.has(active)) throw new ContentKeyError(`The active content key "${active}" is not among the keys`, active)
  const activeKey = active === null ? undefined : byId.get(active)
  const aad = (id: string) => Buffer.from(`${SEALED_PREFIX}${id}:`, 'utf8')

  return {
    activeKeyId: active,
    keyIds: [...byId.keys()],
    seal(plain) {
      if (activeKey === undefined || plain === '' || isSealed(plain)) return plain
      const iv = crypto.randomBytes(IV_BYTES)
      const cipher = crypto.createCipheriv('aes-256-gcm', activeKey, iv)
      cipher.setAAD(aad(active as string))
      const body = Buffer.concat([iv, cipher.update(plain, 'utf8'), cipher.final(), cipher.getAuthTag()])
      return `${SEALED_PREFIX}${active}:${body.toString('base64url')}`
    },
    open(stored) {
      const id = sealedKeyId(stored)
      if (id === null) return stored
      const key = byId.get(id)
      if (!key) throw new ContentKeyError(`Stored content is encrypted with key "${id}", which QUNDESK_CONTENT_KEYS does not list`, id)
      const body = Buffer.from(stored.slice(SEALED_PREFIX.length + id.length + 1), 'base64url')
      if (body.length < IV_BYTES + TAG_BYTES) throw new ContentKeyError(`Stored content sealed with key "${id}" is truncated`, id)
      try {
        const decipher = crypto.createDecipheriv('aes-256-gcm', key, body.subarray(0, IV_BYTES))
        decipher.setAAD(aad(id))
        decipher.setAuthTag(body.subarray(body.length - TAG_BYTES))
        return Buffer.concat([decipher.update(body.subarray(IV_BYTES, body.length - TAG_BYTES)), decipher.final()]).toString('utf8')
      } catch {
        throw new ContentKeyError(`Stored content sealed with key "${id}" does not open with that key: the key is wrong or the value was altered`, id)
      }
    },
    fingerprint(keyId) {
      const key = byId.get(keyId)
      if (!key) throw new ContentKeyError(`No content key "${keyId}"`, keyId)
      return crypto.createHmac('sha256', key).update('qundesk content key fingerprint v1').digest('hex').slice(0, 16)
    },
  }
}
