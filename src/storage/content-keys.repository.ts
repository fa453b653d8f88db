import { QunDeskError } from '../core/errors.js'
import type { ContentCipher } from './content-cipher.js'
import type { Db } from './schema.js'

/**
 * Checks the configured content keys against the ones the database has content sealed with, and records the active
 * key. Refuses (config_invalid) a key whose fingerprint differs from the one recorded under its id, and a database
 * with content sealed by a key that is not configured: better not to start than to fail on every read.
 */
export async function checkContentKeys(db: Db, cipher: ContentCipher | undefined, at: string): Promise<void> {
  const recorded = await db.selectFrom('content_keys').selectAll().execute()
  const configured = new Set(cipher?.keyIds ?? [])
  for (const row of recorded) {
    if (configured.has(row.key_id) && cipher?.fingerprint(row.key_id) !== row.fingerprint) {
      throw new QunDeskError('config_invalid', `QUNDESK_CONTENT_KEYS: key "${row.key_id}" is not the key this database's content was encrypted with under that id (fingerprint ${row.fingerprint} expected)`)
    }
  }
  const missing = recorded.filter((r) => r.retired_at === null && !configured.has(r.key_id)).map((r) => r.key_id)
  if (missing.length > 0) {
    throw new QunDeskError('config_invalid', [
      `Stored message content is encrypted with key${missing.length > 1 ? 's' : ''} ${missing.map((k) => `"${k}"`).join(', ')}, which QUNDESK_CONTENT_KEYS does not list.`,
      'Add them after the active key; to retire a key, run `qundesk content-key rotate` with both keys set, then remove it.',
    ].join(' '))
  }
  const active = cipher?.activeKeyId
  if (!active) return
  const fingerprint = cipher.fingerprint(active)
  await db.insertInto('content_keys').values({ key_id: active, fingerprint, first_used_at: at, retired_at: null })
    .onConflict((oc) => oc.column('key_id').doUpdateSet({ retired_at: null }))
    .execute()
}

export async function listContentKeys(db: Db) {
  return db.selectFrom('content_keys').selectAll().orderBy('first_used_at').execute()
}

export async function retireContentKey(db: Db, keyId: string, at: string): Promise<void> {
  await db.updateTable('content_keys').set({ retired_at: at }).where('key_id', '=', keyId).where('retired_at', 'is', null).execute()
}
