import { describe, expect, it } from 'vitest'
import { listTagCounts, writeTagCounts } from '../../../src/storage/member-tag.repository.js'
import { createTestDb, onPostgres, withTwoPools } from '../../support/test-database.js'

const DAY = '2026-11-24'
const counts = (n: number) => [{ kind: 'tag' as const, name: '活跃', members: n }, { kind: 'lifecycle' as const, name: '新成员', members: n * 2 }]

describe('writeTagCounts', () => {
  it("replaces the day's counts", async () => {
    const db = await createTestDb()
    try {
      await writeTagCounts(db, DAY, counts(1))
      await writeTagCounts(db, DAY, counts(5))
      expect((await listTagCounts(db, DAY)).map((r) => r.members).sort((a, b) => a - b)).toEqual([5, 10])
    } finally {
      await db.destroy()
    }
  })

  it.skipIf(!onPostgres())('lets two re-tags on two instances write the same day at once: no duplicate key, one set of counts', async () => {
    await withTwoPools(async (a, b) => {
      for (let round = 1; round <= 20; round++) {
        await Promise.all([writeTagCounts(a, DAY, counts(round)), writeTagCounts(b, DAY, counts(round + 100)), writeTagCounts(a, DAY, counts(round + 200))])
        expect(await listTagCounts(a, DAY)).toHaveLength(2)
      }
    })
  })
})
