import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createAnnouncedMessages, type AnnouncedMessages } from '../../../../src/channels/wechaty/announced-messages.js'
import { createLogger } from '../../../../src/core/logger.js'
import type { Db } from '../../../../src/storage/create-db.js'
import { recordAnnouncedMessages } from '../../../../src/storage/announced-message.repository.js'
import { failWritesTo } from '../../../support/db-faults.js'
import { createTestDb } from '../../../support/test-database.js'

let db: Db
let now = new Date('2026-12-02T08:00:00.000Z')
let announced: AnnouncedMessages
beforeEach(async () => {
  db = await createTestDb()
  now = new Date('2026-12-02T08:00:00.000Z')
  announced = createAnnouncedMessages({ db, instanceId: 'a', channel: 'wechaty', clock: () => now, logger: createLogger({ level: 'silent' }) })
})
afterEach(async () => { await db.destroy() })

const onDisk = async () => (await db.selectFrom('announced_messages').select(['instance_id', 'message_id']).orderBy('message_id').execute())

describe('announced message ids', () => {
  it('writes a burst of announced ids in a few writes and lists them oldest first for the next start', async () => {
    for (let i = 0; i < 1200; i++) announced.announce(`m${String(i).padStart(4, '0')}`)
    await announced.flush()
    expect((await onDisk()).length).toBe(1200)
    expect(announced.stats()).toMatchObject({ ids: 1200 })
    expect(announced.stats().writes).toBeLessThanOrEqual(2)
    expect(await announced.pending(3)).toEqual(['m0000', 'm0001', 'm0002'])
  })

  it('writes the ids announced in one turn of the event loop (a burst read from the puppet at once) in one write', async () => {
    for (const id of ['m1', 'm2', 'm3']) announced.announce(id)
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect((await onDisk()).map((r) => r.message_id)).toEqual(['m1', 'm2', 'm3'])
    expect(announced.stats()).toMatchObject({ ids: 3, writes: 1 })
    // Settled ids go in the commit of the next ids announced.
    announced.settle('m1')
    announced.settle('m2')
    announced.announce('m4')
    await announced.flush()
    expect((await onDisk()).map((r) => r.message_id)).toEqual(['m3', 'm4'])
    expect(announced.stats()).toMatchObject({ ids: 4, writes: 2 })
  })

  it('never writes an id settled before its write, and deletes one settled while or after it was written', async () => {
    announced.announce('before')
    announced.settle('before')
    announced.announce('during')
    const writing = announced.flush()
    announced.settle('during') // its insert is under way: deleted by the next round
    await writing
    announced.announce('after')
    await announced.flush()
    announced.settle('after')
    await announced.flush()
    expect(await onDisk()).toEqual([])
    expect(announced.stats().ids).toBe(2)
  })

  it('keeps ids it could not write and writes them once the database takes writes again', async () => {
    const remove = await failWritesTo(db, { table: 'announced_messages', message: 'disk full' })
    announced.announce('m1')
    await announced.flush()
    expect(await onDisk()).toEqual([])
    await remove()
    announced.announce('m2')
    await announced.flush()
    expect((await onDisk()).map((r) => r.message_id)).toEqual(['m1', 'm2'])
  })

  it('prunes ids older than the puppet keeps payloads, of every instance, and keeps recent ones', async () => {
    await recordAnnouncedMessages(db, 'a', 'wechaty', ['old-a'], '2026-11-25T00:00:00.000Z')
    await recordAnnouncedMessages(db, 'gone-instance', 'wechaty', ['old-b'], '2026-11-20T00:00:00.000Z')
    await recordAnnouncedMessages(db, 'a', 'wechaty', ['recent'], '2026-12-01T00:00:00.000Z')
    expect(await announced.prune()).toBe(2)
    expect(await onDisk()).toEqual([{ instance_id: 'a', message_id: 'recent' }])
  })
})
