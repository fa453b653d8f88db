import pg from 'pg'
import { CompiledQuery } from 'kysely'
import { QunDeskError } from '../core/errors.js'
import type { Logger } from '../core/logger.js'
import type { Db } from '../storage/create-db.js'
import { isPostgres } from '../storage/dialect.js'
import { INSTANCE_LOCK } from '../storage/locks.js'

export interface InstanceLock {
  /** Releases the lock (a clean stop); the connection closes with it. */
  stop(): Promise<void>
}

/**
 * Proof of life for an instance: a PostgreSQL session advisory lock keyed by its QUNDESK_INSTANCE_ID, held on a
 * connection of its own for as long as the process runs. PostgreSQL drops it the moment that connection ends, so a
 * killed process frees it at once, while a merely slow one (a late heartbeat) keeps it. Another instance takes over
 * a dead one's messages only while holding this lock (see takeOverMessages), so the two never handle the same
 * message; and a second process started with the same id is refused instead of sending as the same account.
 *
 * Waits up to `waitMs` for the lock (another instance may be taking over this one's messages right now).
 */
export async function holdInstanceLock(deps: { url: string; instanceId: string; logger: Logger; waitMs?: number; retryMs?: number }): Promise<InstanceLock> {
  const { url, instanceId } = deps
  const log = deps.logger.child({ component: 'instance-lock' })
  let stopped = false
  let client: pg.Client | undefined
  let retry: NodeJS.Timeout | undefined

  /** Connects and takes the lock, trying until `deadline`; the connected client, or undefined when it stayed taken. */
  const acquire = async (deadline: number): Promise<pg.Client | undefined> => {
    const next = new pg.Client({ connectionString: url, application_name: `qundesk-instance:${instanceId}`.slice(0, 63) })
    next.on('error', (error) => lost(next, error))
    next.on('end', () => lost(next, new Error('the connection ended')))
    await next.connect()
    for (;;) {
      const { rows } = await next.query<{ locked: boolean }>(INSTANCE_LOCK.tryLock, INSTANCE_LOCK.params(instanceId))
      if (rows[0]?.locked) return next
      if (Date.now() >= deadline || stopped) {
        await next.end().catch(() => undefined)
        return undefined
      }
      await new Promise((r) => setTimeout(r, 250))
    }
  }

  // The connection dropped: the lock went with it. Take it again; meanwhile another instance may take over the
  // messages stored here only if this one's heartbeat also goes stale, so a short blip costs nothing.
  const lost = (which: pg.Client, error: Error) => {
    if (client !== which || stopped) return
    client = undefined
    log.error({ err: error }, 'lost the instance lock connection; taking the lock again')
    void which.end().catch(() => undefined)
    const again = (delayMs: number) => {
      retry = setTimeout(() => {
        retry = undefined
        acquire(Date.now() + (deps.waitMs ?? 30_000)).then((got) => {
          if (stopped) return void got?.end().catch(() => undefined)
          if (got) { client = got; log.info('holding the instance lock again') } else again(deps.retryMs ?? 5_000)
        }, (e: unknown) => { log.warn({ err: e }, 'cannot take the instance lock yet; retrying'); again(deps.retryMs ?? 5_000) })
      }, delayMs)
      retry.unref()
    }
    again(500)
  }

  const first = await acquire(Date.now() + (deps.waitMs ?? 30_000))
  if (!first) {
    throw new QunDeskError('config_invalid', `另一个 QunDesk 进程正以实例 ID "${instanceId}" 运行（或正在接管它的消息）：每个进程需要自己的 QUNDESK_INSTANCE_ID`, { instanceId })
  }
  client = first
  return {
    async stop() {
      stopped = true
      if (retry) clearTimeout(retry)
      const held = client
      client = undefined
      if (held) {
        await held.query(INSTANCE_LOCK.unlock, INSTANCE_LOCK.params(instanceId)).catch(() => undefined)
        await held.end().catch(() => undefined)
      }
    },
  }
}

/**
 * Runs `work` while holding instance `instanceId`'s lock on one pooled connection, if the lock is free (that
 * instance is not running); returns undefined without running it when the lock is taken. On SQLite (one process)
 * it just runs `work`.
 */
export async function whileHoldingInstanceLock<T>(db: Db, instanceId: string, work: (conn: Db) => Promise<T>): Promise<T | undefined> {
  if (!isPostgres(db)) return work(db)
  return db.connection().execute(async (conn) => {
    const { rows } = await conn.executeQuery<{ locked: boolean }>(CompiledQuery.raw(INSTANCE_LOCK.tryLock, INSTANCE_LOCK.params(instanceId)))
    if (!rows[0]?.locked) return undefined
    try {
      return await work(conn)
    } finally {
      await conn.executeQuery(CompiledQuery.raw(INSTANCE_LOCK.unlock, INSTANCE_LOCK.params(instanceId)))
    }
  })
}
