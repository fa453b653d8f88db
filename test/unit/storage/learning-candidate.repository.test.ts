import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Db } from '../../../src/storage/create-db.js'
import { deleteExpiredLearnedExamples, insertLearnedExample, listLearnedExamples } from '../../../src/storage/learned-example.repository.js'
import {
  countLearningCandidates, deleteExpiredLearningCandidates, deleteLearningCandidates, insertLearningCandidate, listLearningCandidates,
} from '../../../src/storage/learning-candidate.repository.js'
import { createTestDb } from '../../support/test-database.js'

let db: Db
beforeEach(async () => { db = await createTestDb() })
afterEach(async () => { await db.destroy() })

const candidate = (over: Partial<Parameters<typeof insertLearningCandidate>[1]> = {}) => ({
  intentId: 'invoice.issue', text: '能开电子发票吗', source: 'sent' as const, suggestionId: 1, memberId: 'wxid_a', proposedBy: '小王', createdAt: '2026-12-01T00:00:00.000Z', ...over,
})

describe('learning candidates', () => {
  it('keeps one candidate per suggestion and source (several instances hear the same send)', async () => {
    expect(await insertLearningCandidate(db, candidate())).toBe(true)
    expect(await insertLearningCandidate(db, candidate())).toBe(false)
    expect(await insertLearningCandidate(db, candidate({ source: 'fix' }))).toBe(true)
    expect(await insertLearningCandidate(db, candidate({ suggestionId: null }))).toBe(true)
    expect(await countLearningCandidates(db)).toBe(3)
    const [first] = await listLearningCandidates(db, 10)
    expect(first).toMatchObject({ intent_id: 'invoice.issue', text: '能开电子发票吗', source: 'sent', suggestion_id: 1, member_id: 'wxid_a', proposed_by: '小王' })
    expect(await deleteLearningCandidates(db, [first!.id])).toBe(1)
    expect(await deleteLearningCandidates(db, [first!.id])).toBe(0)
  })

  it('retention deletes candidates and database-only fixes older than the cutoff', async () => {
    await insertLearningCandidate(db, candidate({ suggestionId: 1, createdAt: '2026-01-01T00:00:00.000Z' }))
    await insertLearningCandidate(db, candidate({ suggestionId: 2, createdAt: '2026-12-01T00:00:00.000Z' }))
    await insertLearnedExample(db, { intentId: 'a', text: 'old', suggestionId: 1, createdBy: 'x', createdAt: '2026-01-01T00:00:00.000Z' })
    await insertLearnedExample(db, { intentId: 'a', text: 'new', suggestionId: 2, createdBy: 'x', createdAt: '2026-12-01T00:00:00.000Z' })
    const step = { before: '2026-06-01T00:00:00.000Z', limit: 10 }
    expect(await deleteExpiredLearningCandidates(db, step)).toBe(1)
    expect(await deleteExpiredLearnedExamples(db, step)).toBe(1)
    expect((await listLearningCandidates(db, 10)).map((c) => c.suggestion_id)).toEqual([2])
    expect((await listLearnedExamples(db)).map((e) => e.text)).toEqual(['new'])
  })
})
