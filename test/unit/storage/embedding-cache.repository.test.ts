import fc from 'fast-check'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Db } from '../../../src/storage/create-db.js'
import {
  decodeVector, deleteExpiredQuestionVectors, embeddingTextHash, encodeVector, findCachedVectors, insertCachedVectors,
} from '../../../src/storage/embedding-cache.repository.js'
import { createTestDb } from '../../support/test-database.js'

let db: Db
beforeEach(async () => { db = await createTestDb() })
afterEach(async () => { await db.destroy() })

describe('embedding cache', () => {
  it('round-trips any float32 vector through its base64 form, and refuses bytes of the wrong length', () => {
    fc.assert(fc.property(fc.array(fc.float({ noNaN: true }), { minLength: 1, maxLength: 64 }), (xs) => {
      const v = Float32Array.from(xs)
      return Buffer.from(decodeVector(encodeVector(v), v.length)!.buffer).equals(Buffer.from(v.buffer))
    }))
    expect(decodeVector(encodeVector([1, 2, 3]), 4)).toBeUndefined()
    expect(decodeVector('', 0)).toBeUndefined()
  })

  it('finds vectors by model and text hash; a second write of the same key keeps the first', async () => {
    const hash = embeddingTextHash('我的快递到哪了')
    await insertCachedVectors(db, [{ model: 'bge-m3', textHash: hash, kind: 'example', vector: [0.5, -1], createdAt: '2026-12-03T00:00:00.000Z' }])
    await insertCachedVectors(db, [{ model: 'bge-m3', textHash: hash, kind: 'example', vector: [9, 9], createdAt: '2026-12-03T00:00:01.000Z' }])
    const found = await findCachedVectors(db, 'bge-m3', [hash, embeddingTextHash('别的')])
    expect([...found.keys()]).toEqual([hash])
    expect([...found.get(hash)!]).toEqual([0.5, -1])
    // Another model never reads this model's vectors.
    expect((await findCachedVectors(db, 'bge-small-zh', [hash])).size).toBe(0)
  })

  it('looks up and writes in chunks (more keys than one statement takes)', async () => {
    const rows = Array.from({ length: 450 }, (_, i) => ({ model: 'm', textHash: embeddingTextHash(`q${i}`), kind: 'question' as const, vector: [i], createdAt: '2026-12-03T00:00:00.000Z' }))
    await insertCachedVectors(db, rows)
    expect((await findCachedVectors(db, 'm', rows.map((r) => r.textHash))).size).toBe(450)
  })

  it('retention deletes question vectors older than the cutoff, step by step, and keeps the examples', async () => {
    const at = (day: number) => `2026-11-${String(day).padStart(2, '0')}T00:00:00.000Z`
    await insertCachedVectors(db, [
      { model: 'm', textHash: 'old-q1', kind: 'question', vector: [1], createdAt: at(1) },
      { model: 'm', textHash: 'old-q2', kind: 'question', vector: [1], createdAt: at(2) },
      { model: 'm', textHash: 'new-q', kind: 'question', vector: [1], createdAt: at(20) },
      { model: 'm', textHash: 'old-example', kind: 'example', vector: [1], createdAt: at(1) },
    ])
    expect(await deleteExpiredQuestionVectors(db, { before: at(10), limit: 1 })).toBe(1)
    expect(await deleteExpiredQuestionVectors(db, { before: at(10), limit: 1 })).toBe(1)
    expect(await deleteExpiredQuestionVectors(db, { before: at(10), limit: 1 })).toBe(0)
    expect((await db.selectFrom('embedding_cache').select('text_hash').orderBy('text_hash').execute()).map((r) => r.text_hash)).toEqual(['new-q', 'old-example'])
  })
})
