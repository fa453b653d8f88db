import fs from 'node:fs/promises'
import path from 'node:path'
import fc from 'fast-check'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { verifyChain } from '../../src/storage/audit-chain.js'
import { runCli } from '../../src/cli.js'
import type { CliIo } from '../../src/cli/cli-io.js'
import { iterateAudit } from '../../src/storage/audit.repository.js'
import type { Db } from '../../src/storage/create-db.js'
import { upsertJoin } from '../../src/storage/group-member.repository.js'
import { CSV_TOKENS, fuzzParams, mutatedText, nastyBytes } from '../support/fuzz-generators.js'
import { failWritesTo } from '../support/db-faults.js'
import { FIXTURES, makeWorkdir, testEnv, withWorkdirDb } from './test-context.js'

/**
 * `qundesk members import` on random and broken CRM files, run in-process exactly as the CLI runs it, against a
 * real database (the SQLite file, or PostgreSQL). Properties: it never throws and exits 0 or 1; a refused file
 * (exit 1) leaves member_attributes and audit_log exactly as they were; an accepted one (exit 0) adds one audit
 * entry; the audit chain holds.
 */

const CRM = path.join(FIXTURES, 'crm')
const MEMBERS = ['wxid_a', 'wxid_b', 'wxid_c', 'wxid_d', 'wxid_e', 'wmEXT001', 'wxid_json', 'wxid_nodata']
const JSON_TOKENS = ['{', '}', '[', ']', ',', ':', '"', '\\', 'null', 'true', '1e999', '-1', '"wxid_a"', '"orders"', '"2099-01-01"', '\n']

let work: Awaited<ReturnType<typeof makeWorkdir>>
let csvSeeds: string[]
let jsonSeeds: string[]

const withDb = <T>(fn: (db: Db) => Promise<T>): Promise<T> => withWorkdirDb(work, fn)

/** Everything an import may change, in a form that compares exactly. */
const snapshot = () => withDb(async (db) => ({
  attributes: JSON.stringify(await db.selectFrom('member_attributes').selectAll().orderBy('member_id').execute()),
  attributeCount: (await db.selectFrom('member_attributes').select(sql<number>`COUNT(*)`.as('n')).executeTakeFirstOrThrow()).n,
  auditCount: (await db.selectFrom('audit_log').select(sql<number>`COUNT(*)`.as('n')).executeTakeFirstOrThrow()).n,
}))

async function importFile(name: string, contents: Uint8Array | string, extra: string[] = []) {
  await fs.writeFile(path.join(work.dir, name), contents)
  const out: string[] = []
  const err: string[] = []
  const io: CliIo = { stdout: (t) => out.push(t), stderr: (t) => err.push(t), env: testEnv(work), cwd: work.dir }
  const code = await runCli(['members', 'import', name, ...extra], io)
  return { code, stdout: out.join('\n'), stderr: err.join('\n') }
}

beforeAll(async () => {
  work = await makeWorkdir()
  await fs.mkdir(work.dataDir, { recursive: true })
  const now = new Date().toISOString()
  await withDb(async (db) => {
    for (const id of MEMBERS) {
      await upsertJoin(db, { channel: 'test', groupId: 'g1@chatroom', groupName: 'VIP客户群', memberId: id, memberName: id, joinedAt: now, estimated: false, source: 'event', now })
    }
  })
  const names = await fs.readdir(CRM)
  csvSeeds = await Promise.all(names.filter((n) => n.endsWith('.csv') && n !== 'gbk.csv').map((n) => fs.readFile(path.join(CRM, n), 'utf8')))
  jsonSeeds = await Promise.all(names.filter((n) => n.endsWith('.json')).map((n) => fs.readFile(path.join(CRM, n), 'utf8')))
})
afterAll(async () => fs.rm(work.dir, { recursive: true, force: true }))

describe('qundesk members import under fuzzing', () => {
  it('200 broken or random files: exit 0 or 1, a refused file changes nothing, an accepted one adds one audit entry', async () => {
    let run = 0
    const outcomes = { accepted: 0, refused: 0 }
    const file = fc.oneof(
      { weight: 3, arbitrary: mutatedText(csvSeeds, CSV_TOKENS).map((text) => ({ ext: 'csv', contents: text as Uint8Array | string })) },
      { weight: 2, arbitrary: mutatedText(jsonSeeds, JSON_TOKENS).map((text) => ({ ext: 'json', contents: text as Uint8Array | string })) },
      nastyBytes.map((bytes) => ({ ext: 'csv', contents: bytes as Uint8Array | string })),
    )
    await fc.assert(fc.asyncProperty(file, fc.boolean(), async ({ ext, contents }, skipUnmatched) => {
      const name = `crm-${run++}.${ext}`
      const before = await snapshot()
      let result: Awaited<ReturnType<typeof importFile>>
      try {
        result = await importFile(name, contents, skipUnmatched ? ['--skip-unmatched'] : [])
      } catch (error) {
        throw new Error(`the import threw ${String(error)}`)
      }
      const after = await snapshot()
      expect([0, 1]).toContain(result.code)
      if (result.code === 1) {
        outcomes.refused++
        expect(after).toEqual(before)
        expect(result.stderr).not.toBe('')
      } else {
        outcomes.accepted++
        expect(after.auditCount).toBe(before.auditCount + 1)
        expect(after.attributeCount).toBeGreaterThanOrEqual(before.attributeCount)
      }
      // Every problem printed points into the file: `NAME:LINE: …` or `NAME:#INDEX: …` (or the file alone).
      for (const line of result.stderr.split('\n').filter((l) => l.startsWith(name))) expect(line).toMatch(new RegExp(`^${name.replace('.', '\\.')}(:\\d+|:#\\d+)?: \\S`))
    }), fuzzParams(0x696d7001, 200))
    // Both outcomes were reached: the mutations are not all fatal.
    expect(outcomes.refused).toBeGreaterThan(40)
    expect(outcomes.accepted).toBeGreaterThan(5)
    expect(await withDb((db) => verifyChain(iterateAudit(db)))).toMatchObject({ ok: true })
  }, 120_000)

  it('a valid file whose write fails at the last step (the audit entry) leaves nothing behind', async () => {
    const removeFault = await withDb((db) => failWritesTo(db, { table: 'audit_log', when: "NEW.subject_id = 'boom.csv'", message: 'disk on fire' }))
    try {
      const before = await snapshot()
      const valid = await fs.readFile(path.join(CRM, 'valid.csv'))
      const result = await importFile('boom.csv', valid)
      expect(result.code).toBe(1)
      expect(result.stderr).toMatch(/已回滚/)
      expect(await snapshot()).toEqual(before)
      // The same file under another name goes through: the refusal came from the failed write alone.
      expect((await importFile('fine.csv', valid)).code).toBe(0)
    } finally {
      await withDb((db) => removeFault(db))
    }
  })
})
