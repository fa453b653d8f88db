import { createHash } from 'node:crypto'
import type { AuditLogRow } from './schema.js'

/** The fields an audit entry's hash covers: everything but its id and the hashes. */
export type ChainedFields = Pick<AuditLogRow, 'at' | 'actor' | 'action' | 'subject_type' | 'subject_id' | 'detail'>

/** The hash of the first entry's predecessor. */
export const GENESIS_HASH = '0'.repeat(64)

/**
 * sha256 over the previous entry's hash and this entry's fields (a JSON array, so no field can bleed into
 * another). Changing, removing or reordering any earlier entry changes every hash after it.
 *
 * @example
 * const hash = chainHash(GENESIS_HASH, { at, actor: '小王', action: 'suggestion.sent', subject_type: 'suggestion', subject_id: '12', detail: '{}' })
 */
export function chainHash(previousHash: string, e: ChainedFields): string {
  return createHash('sha256').update(JSON.stringify([previousHash, e.at, e.actor, e.action, e.subject_type, e.subject_id, e.detail])).digest('hex')
}

export type ChainedRow = ChainedFields & { id: number; prev_hash: string | null; hash: string | null }

export type ChainCheck =
  | { ok: true; entries: number }
  | { ok: false; entries: number; brokenAt: number; reason: string }

/**
 * Walks entries in id order and recomputes the chain. Reports the first entry whose stored previous hash or own
 * hash does not match: an edited entry, a deleted one (the next entry's predecessor is wrong) or an inserted one.
 *
 * @example
 * await verifyChain(iterateAudit(db)) // { ok: false, entries: 120, brokenAt: 57, reason: 'its content was changed after it was written' }
 */
export async function verifyChain(rows: Iterable<ChainedRow> | AsyncIterable<ChainedRow>): Promise<ChainCheck> {
  let previous = GENESIS_HASH
  let entries = 0
  for await (const row of rows) {
    entries += 1
    if (row.prev_hash !== previous) {
      return { ok: false, entries, brokenAt: row.id, reason: 'the entry before it was changed, removed or inserted' }
    }
    if (row.hash !== chainHash(previous, row)) return { ok: false, entries, brokenAt: row.id, reason: 'its content was changed after it was written' }
    previous = row.hash
  }
  return { ok: true, entries }
}
