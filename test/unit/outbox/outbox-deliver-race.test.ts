import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createLogger } from '../../../src/core/logger.js'
import type { ReplySender } from '../../../src/core/reply-sender.js'
import { createOutbox, type Outbox } from '../../../src/outbox/outbox.js'
import type { Db } from '../../../src/storage/create-db.js'
import { findOutboxRow } from '../../../src/storage/outbox.repository.js'
import { createTestDb } from '../../support/test-database.js'
import { waitFor } from '../../integration/test-context.js'

// A seam in the row lookup: the next findOutboxRow reads the row, then its caller is answered only once the test
// says so. That is the interleaving a loaded database produces: the worker sends the row in between.
const hold = vi.hoisted(() => ({ armed: false, reached: false, gate: Promise.resolve() }))
vi.mock('../../../src/storage/outbox.repository.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../../src/storage/outbox.repository.js')>()
  return {
    ...original,
    findOutboxRow: async (...args: Parameters<typeof original.findOutboxRow>) => {
      const row = await original.findOutboxRow(...args)
      if (hold.armed) {
        hold.armed = false
        hold.reached = true
        await hold.gate
      }
      return row
    },
  }
})

let db: Db
let outbox: Outbox
const said: string[] = []

beforeEach(async () => {
  db = await createTestDb()
  said.length = 0
  const sender: ReplySender = { async sendToGroup(_groupId, text) { said.push(text) } }
  outbox = createOutbox({
    db, clock: () => new Date(), logger: createLogger({ level: 'silent' }), sender, random: () => 0.5, pollMs: 60_000,
    options: { groupIntervalMs: 0, globalIntervalMs: 0, jitterMs: 0, maxAttempts: 1 },
  })
  outbox.handle('test', async () => {})
})
afterEach(async () => {
  await outbox.stop()
  await db.destroy()
})

describe('outbox deliver()', () => {
  it('answers sent when the worker sends its row between the lookup and the wait', async () => {
    const row = await outbox.enqueue({ source: 'test:1', groupId: 'g1', text: '你好', actor: 'agent:小王' })
    let release!: () => void
    hold.gate = new Promise((r) => { release = r })
    hold.reached = false
    hold.armed = true
    const delivering = outbox.deliver(row.id)
    await waitFor(() => hold.reached) // it read the row as queued
    outbox.kick()
    await waitFor(async () => (await findOutboxRow(db, row.id))?.settled_at)
    release()
    expect(await delivering).toEqual({ status: 'sent' })
    expect(said).toEqual(['你好'])
  })
})
