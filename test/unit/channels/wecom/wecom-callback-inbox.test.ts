import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createWecomCallbackInbox, type WecomCallbackInbox } from '../../../../src/channels/wecom/wecom-callback-inbox.js'
import { createLogger } from '../../../../src/core/logger.js'
import { type Db } from '../../../../src/storage/create-db.js'
import { createTestDb } from '../../../support/test-database.js'

const NOW = new Date('2026-11-23T12:00:00.000Z')
const nextTurn = () => new Promise((resolve) => setImmediate(resolve))
let db: Db
let inbox: WecomCallbackInbox
let logged: string[]

beforeEach(async () => {
  db = await createTestDb()
  logged = []
  const logger = createLogger({ level: 'error', destination: { write: (line: string) => void logged.push(line) } })
  inbox = createWecomCallbackInbox({ db, clock: () => NOW, logger })
})
afterEach(async () => db.destroy())

describe('createWecomCallbackInbox', () => {
  it('stores once per dedupe key; a duplicate returns the stored id', async () => {
    const first = await inbox.store('app', 'event:sys:1:e::c:abc', '<xml/>')
    const again = await inbox.store('app', 'event:sys:1:e::c:abc', '<xml>retry</xml>')
    const other = await inbox.store('aibot', 'aibot:m1', '{}')
    expect(first).toEqual({ id: first.id, duplicate: false })
    expect(again).toEqual({ id: first.id, duplicate: true })
    expect(other.duplicate).toBe(false)
    const rows = await db.selectFrom('wecom_callbacks').selectAll().orderBy('id').execute()
    expect(rows).toEqual([
      { id: first.id, kind: 'app', dedupe_key: 'event:sys:1:e::c:abc', payload: '<xml/>', received_at: NOW.toISOString(), status: 'received', attempts: 0, processed_at: null, error: null },
      { id: other.id, kind: 'aibot', dedupe_key: 'aibot:m1', payload: '{}', received_at: NOW.toISOString(), status: 'received', attempts: 0, processed_at: null, error: null },
    ])
  })

  it('notifies listeners after the current turn, once per new delivery, never for duplicates', async () => {
    const seen: Array<{ id: number; kind: string }> = []
    inbox.subscribe((entry) => void seen.push(entry))
    const { id } = await inbox.store('app', 'msg:1', '<xml/>')
    expect(seen).toEqual([]) // not yet: the caller still has to send its acknowledgement
    await nextTurn()
    expect(seen).toEqual([{ id, kind: 'app' }])
    await inbox.store('app', 'msg:1', '<xml/>')
    await nextTurn()
    expect(seen).toHaveLength(1)
  })

  it('a throwing or rejecting listener is logged and does not stop the others', async () => {
    const seen: number[] = []
    inbox.subscribe(() => { throw new Error('boom') })
    inbox.subscribe(async () => { throw new Error('async boom') })
    inbox.subscribe(({ id }) => void seen.push(id))
    const { id } = await inbox.store('aibot', 'aibot:m1', '{}')
    await nextTurn()
    await nextTurn()
    expect(seen).toEqual([id])
    expect(logged.join('')).toMatch(/boom/)
    expect(logged.join('')).toMatch(/async boom/)
  })

  it('unsubscribe stops notifications', async () => {
    const seen: number[] = []
    const unsubscribe = inbox.subscribe(({ id }) => void seen.push(id))
    unsubscribe()
    await inbox.store('app', 'msg:2', '<xml/>')
    await nextTurn()
    expect(seen).toEqual([])
  })

  it('lists unprocessed entries oldest first; processed and failed ones leave the list', async () => {
    const a = await inbox.store('app', 'msg:a', 'A')
    const b = await inbox.store('aibot', 'aibot:b', 'B')
    const c = await inbox.store('app', 'msg:c', 'C')
    expect((await inbox.listUnprocessed(2)).map((e) => e.id)).toEqual([a.id, b.id])
    await inbox.markProcessed(a.id)
    await inbox.markFailed(b.id, `bad payload ${'x'.repeat(5000)}`)
    const left = await inbox.listUnprocessed(10)
    expect(left).toEqual([{ id: c.id, kind: 'app', dedupeKey: 'msg:c', payload: 'C', receivedAt: NOW.toISOString(), status: 'received', attempts: 0, error: null }])
    expect(await inbox.get(a.id)).toMatchObject({ status: 'processed', attempts: 1, error: null })
    const failed = await inbox.get(b.id)
    expect(failed).toMatchObject({ status: 'failed', attempts: 1 })
    expect(failed!.error!.length).toBe(2000)
    expect(await inbox.get(9999)).toBeUndefined()
    const processedAt = await db.selectFrom('wecom_callbacks').select('processed_at').where('id', '=', a.id).executeTakeFirstOrThrow()
    expect(processedAt.processed_at).toBe(NOW.toISOString())
  })
})
