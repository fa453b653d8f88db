import pg from 'pg'
import { afterEach, describe, expect, it } from 'vitest'
import { createLogger } from '../../src/core/logger.js'
import { holdInstanceLock, whileHoldingInstanceLock, type InstanceLock } from '../../src/fleet/instance-lock.js'
import { createDb, type Db } from '../../src/storage/create-db.js'
import { freshDatabaseUrl, onPostgres } from '../support/test-database.js'
import { waitFor } from './test-context.js'

const logger = createLogger({ level: 'silent' })
const cleanup: Array<() => Promise<unknown>> = []
afterEach(async () => {
  for (const done of cleanup.splice(0).reverse()) await done().catch(() => undefined)
})

async function setup(): Promise<{ url: string; db: Db }> {
  const url = (await freshDatabaseUrl())!
  const db = await createDb({ url })
  cleanup.push(() => db.destroy())
  return { url, db }
}

async function hold(url: string, instanceId: string, options: { waitMs?: number; retryMs?: number } = {}): Promise<InstanceLock> {
  const lock = await holdInstanceLock({ url, instanceId, logger, ...options })
  cleanup.push(() => lock.stop())
  return lock
}

// The lock is a PostgreSQL session advisory lock; a SQLite install is one process and needs none.
describe.skipIf(!onPostgres())('the instance lock (PostgreSQL)', () => {
  it('is held while the instance runs, so nobody can take over its work, and is free once it stops', async () => {
    const { url, db } = await setup()
    const lock = await hold(url, 'a')
    expect(await whileHoldingInstanceLock(db, 'a', async () => 'taken')).toBeUndefined()
    expect(await whileHoldingInstanceLock(db, 'b', async () => 'taken')).toBe('taken')
    await lock.stop()
    expect(await whileHoldingInstanceLock(db, 'a', async () => 'taken')).toBe('taken')
  })

  it('is freed the moment the process holding it loses its connection (a killed process)', async () => {
    const { url, db } = await setup()
    await hold(url, 'a', { retryMs: 60_000, waitMs: 0 })
    const admin = new pg.Client({ connectionString: url })
    await admin.connect()
    cleanup.push(() => admin.end())
    await admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'qundesk-instance:a'")
    await waitFor(async () => (await whileHoldingInstanceLock(db, 'a', async () => 'taken')) === 'taken')
  })

  it('takes the lock again after its connection dropped', async () => {
    const { url, db } = await setup()
    await hold(url, 'a', { retryMs: 100 })
    const admin = new pg.Client({ connectionString: url })
    await admin.connect()
    cleanup.push(() => admin.end())
    const { rowCount } = await admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'qundesk-instance:a'")
    expect(rowCount).toBe(1)
    await waitFor(async () => (await admin.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'qundesk-instance:a'")).rows[0].n === 1)
    await waitFor(async () => (await whileHoldingInstanceLock(db, 'a', async () => 'taken')) === undefined)
  })

  it('waits for a lock held elsewhere, then refuses with the instance id named', async () => {
    const { url } = await setup()
    await hold(url, 'a')
    const started = Date.now()
    await expect(holdInstanceLock({ url, instanceId: 'a', logger, waitMs: 400 })).rejects.toThrow('"a"')
    expect(Date.now() - started).toBeGreaterThanOrEqual(400)
  })

  it('gets a lock that frees up while it waits (an instance finishing a takeover)', async () => {
    const { url } = await setup()
    const first = await holdInstanceLock({ url, instanceId: 'a', logger })
    setTimeout(() => void first.stop(), 300)
    await hold(url, 'a', { waitMs: 10_000 })
  })
})
