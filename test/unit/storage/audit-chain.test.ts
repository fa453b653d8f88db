import { describe, expect, it } from 'vitest'
import { chainHash, GENESIS_HASH, verifyChain, type ChainedRow } from '../../../src/storage/audit-chain.js'

function chain(n: number): ChainedRow[] {
  const rows: ChainedRow[] = []
  let previous = GENESIS_HASH
  for (let i = 1; i <= n; i++) {
    const fields = { at: `2026-11-23T0${i}:00:00.000Z`, actor: '小王', action: 'suggestion.sent', subject_type: 'suggestion', subject_id: String(i), detail: '{}' }
    const hash = chainHash(previous, fields)
    rows.push({ id: i, ...fields, prev_hash: previous, hash })
    previous = hash
  }
  return rows
}

describe('verifyChain', () => {
  it('accepts an intact chain and an empty log', async () => {
    expect(await verifyChain(chain(5))).toEqual({ ok: true, entries: 5 })
    expect(await verifyChain([])).toEqual({ ok: true, entries: 0 })
  })

  it.each([
    { label: 'an edited detail', tamper: (rows: ChainedRow[]) => { rows[2]!.detail = '{"text":"改过"}' }, brokenAt: 3, reason: /content was changed/ },
    { label: 'an edited actor, hash recomputed to hide it', tamper: (rows: ChainedRow[]) => { rows[1]!.actor = '老板'; rows[1]!.hash = chainHash(rows[1]!.prev_hash!, rows[1]!) }, brokenAt: 3, reason: /before it was changed/ },
    { label: 'a deleted entry', tamper: (rows: ChainedRow[]) => { rows.splice(1, 1) }, brokenAt: 3, reason: /before it was changed, removed/ },
    { label: 'entries swapped', tamper: (rows: ChainedRow[]) => { [rows[0], rows[1]] = [rows[1]!, rows[0]!] }, brokenAt: 2, reason: /before it was changed/ },
    { label: 'a missing hash (written around the chain)', tamper: (rows: ChainedRow[]) => { rows[4]!.hash = null }, brokenAt: 5, reason: /content was changed/ },
  ])('finds $label', async ({ tamper, brokenAt, reason }) => {
    const rows = chain(5)
    tamper(rows)
    const check = await verifyChain(rows)
    expect(check).toMatchObject({ ok: false, brokenAt })
    expect(check.ok ? '' : check.reason).toMatch(reason)
  })

  it('keeps fields apart: moving text between fields changes the hash', () => {
    const base = { at: 'a', actor: 'b', action: 'c', subject_type: 'd', subject_id: 'e', detail: 'f' }
    expect(chainHash(GENESIS_HASH, base)).not.toBe(chainHash(GENESIS_HASH, { ...base, actor: 'bc', action: '' }))
  })
})
