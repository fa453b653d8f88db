import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { verifyChain } from '../../../src/storage/audit-chain.js'
import type { AuditAction } from '../../../src/core/audit-item.js'
import { appendAudit, iterateAudit, MAX_AUDIT_ACTOR } from '../../../src/storage/audit.repository.js'
import type { Db } from '../../../src/storage/create-db.js'
import { createTestDb } from '../../support/test-database.js'

// Full UTF-16, lone surrogates included (which the database stores as U+FFFD); 'binary' alone rarely draws one.
const surrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((code) => String.fromCharCode(code))
const anyText = fc.string({ unit: fc.oneof(fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }), surrogate), maxLength: 40 })

describe('appendAudit', () => {
  let db: Db
  beforeAll(async () => { db = await createTestDb() })
  afterAll(async () => { await db.destroy() })

  // Callers can only name known actions; the chain must still hold for any text (entries written by older versions).
  it('hashes what it stores: any text in any field leaves the chain verifiable', async () => {
    await fc.assert(fc.asyncProperty(fc.record({ actor: anyText, action: anyText, subjectType: anyText, subjectId: anyText, reason: anyText }), async (e) => {
      await appendAudit(db, { at: new Date(), actor: e.actor, action: e.action as AuditAction, subjectType: e.subjectType, subjectId: e.subjectId, detail: { reason: e.reason } })
      expect(await verifyChain(iterateAudit(db))).toMatchObject({ ok: true })
    }), { numRuns: 60 })
  })

  it('keeps a lone surrogate from forking the chain (the login name "\\ud800")', async () => {
    await appendAudit(db, { at: new Date(), actor: '\ud800', action: 'login.failed', subjectType: 'user', subjectId: 'x\udc00', detail: {} })
    expect(await verifyChain(iterateAudit(db))).toMatchObject({ ok: true })
    const last = await db.selectFrom('audit_log').select(['actor', 'subject_id']).orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow()
    expect(last).toEqual({ actor: '\ufffd', subject_id: 'x\ufffd' })
  })

  it('stores a NUL in an actor or subject as U+FFFD on both databases (PostgreSQL text cannot hold one)', async () => {
    await appendAudit(db, { at: new Date(), actor: 'a\u0000b', action: 'login.failed', subjectType: 'user', subjectId: '\u0000', detail: { reason: '\u0000' } })
    const last = await db.selectFrom('audit_log').select(['actor', 'subject_id']).orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow()
    expect(last).toEqual({ actor: 'a\ufffdb', subject_id: '\ufffd' })
    expect(await verifyChain(iterateAudit(db))).toMatchObject({ ok: true })
  })

  it('caps a long actor', async () => {
    await appendAudit(db, { at: new Date(), actor: '字'.repeat(500), action: 'login.failed', subjectType: 'user', subjectId: 'x', detail: {} })
    const last = await db.selectFrom('audit_log').select('actor').orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow()
    expect(Array.from(last.actor)).toHaveLength(MAX_AUDIT_ACTOR)
    expect(await verifyChain(iterateAudit(db))).toMatchObject({ ok: true })
  })
})
