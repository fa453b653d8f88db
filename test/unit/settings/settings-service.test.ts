import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createSettingsService } from '../../../src/settings/settings-service.js'
import type { Db } from '../../../src/storage/create-db.js'
import { writeSetting } from '../../../src/storage/setting.repository.js'
import { createTestDb } from '../../support/test-database.js'

const clock = () => new Date('2026-12-03T10:00:00Z')

/** Counts the statements that read the settings table (kysely's log hook sees every query). */
function countingReads(db: Db): { db: Db; reads: () => number } {
  let reads = 0
  const counted = db.withPlugin({
    transformQuery: (args) => { if (args.node.kind === 'SelectQueryNode') reads += 1; return args.node },
    transformResult: async (args) => args.result,
  })
  return { db: counted, reads: () => reads }
}

let db: Db
beforeEach(async () => { db = await createTestDb() })
afterEach(async () => { await db.destroy() })

describe('the settings service', () => {
  it('reads the settings once, not for every caller', async () => {
    const counted = countingReads(db)
    const settings = createSettingsService({ db: counted.db, clock })
    await Promise.all([settings.get(), settings.get()])
    await settings.get()
    expect(counted.reads()).toBe(1)
  })

  it('gives the changed value right after an update', async () => {
    const settings = createSettingsService({ db, clock })
    expect((await settings.get()).slaMinutes).toBe(15)
    await settings.update({ slaMinutes: 7 }, '管理员')
    expect((await settings.get()).slaMinutes).toBe(7)
  })

  it('keeps the cached values until invalidated (a change written elsewhere), then reads again', async () => {
    const settings = createSettingsService({ db, clock })
    expect((await settings.get()).slaMinutes).toBe(15)
    await writeSetting(db, 'slaMinutes', '9', 'other instance', clock().toISOString())
    expect((await settings.get()).slaMinutes).toBe(15)
    settings.invalidate()
    expect((await settings.get()).slaMinutes).toBe(9)
  })

  it('does not keep a read that was under way when the settings were invalidated', async () => {
    const settings = createSettingsService({ db, clock })
    const early = settings.get()
    await writeSetting(db, 'slaMinutes', '9', 'other instance', clock().toISOString())
    settings.invalidate()
    await early
    expect((await settings.get()).slaMinutes).toBe(9)
  })

  it('reads again once the cached values are older than maxAgeMs (a lost notification)', async () => {
    const settings = createSettingsService({ db, clock, maxAgeMs: 30 })
    expect((await settings.get()).slaMinutes).toBe(15)
    await writeSetting(db, 'slaMinutes', '9', 'other instance', clock().toISOString())
    await new Promise((r) => setTimeout(r, 40))
    expect((await settings.get()).slaMinutes).toBe(9)
  })
})
