import type { Clock } from '../../core/clock.js'
import type { Logger } from '../../core/logger.js'
import type { Db } from '../../storage/create-db.js'
import type { WecomCallbackRow } from '../../storage/schema.js'
import type { WecomCallbackKind, WecomCallbackStatus } from '../../core/vocabulary.js'
import {
  findWecomCallback,
  insertWecomCallback,
  listUnprocessedWecomCallbacks,
  markWecomCallbackFailed,
  markWecomCallbackProcessed,
  requeueFailedWecomCallbacks,
} from '../../storage/wecom-callback.repository.js'

/** One stored delivery: `payload` is the decrypted plaintext (XML for 'app', JSON for 'aibot'). */
export interface WecomCallbackEntry {
  id: number
  kind: WecomCallbackKind
  dedupeKey: string
  payload: string
  receivedAt: string
  status: WecomCallbackStatus
  attempts: number
  error: string | null
}

export type WecomCallbackListener = (entry: { id: number; kind: WecomCallbackKind }) => void | Promise<void>

export interface WecomCallbackInbox {
  /** Stores a verified delivery once per dedupe key; a new one is announced to listeners on a later turn of the event loop. */
  store(kind: WecomCallbackKind, dedupeKey: string, payload: string): Promise<{ id: number; duplicate: boolean }>
  /** Called once per newly stored delivery (never for duplicates); returns the unsubscribe function. */
  subscribe(listener: WecomCallbackListener): () => void
  get(id: number): Promise<WecomCallbackEntry | undefined>
  /** Stored, not yet processed (status 'received'), oldest first: also what a restart must pick up. */
  listUnprocessed(limit: number): Promise<WecomCallbackEntry[]>
  markProcessed(id: number): Promise<void>
  /** Records the failure; a failed entry is not listed again (re-queue by hand or by a later job). */
  markFailed(id: number, error: string): Promise<void>
  /** Failed deliveries with fewer than `maxAttempts` attempts become unprocessed again (e.g. groupchat/get was down). */
  requeueFailed(maxAttempts: number): Promise<number>
}

const MAX_ERROR = 2000

/**
 * The WeCom callbacks' inbox: the HTTP edge stores each verified delivery here before acknowledging it, and the
 * processor takes them from here. Listeners run after the current turn of the event loop (setImmediate), i.e. after
 * the route has written its acknowledgement, so processing never delays the ack; a listener's error is logged and
 * goes no further.
 *
 * @example
 * const inbox = createWecomCallbackInbox({ db, clock, logger })
 * inbox.subscribe(({ id }) => void processor.run(id))
 * const { id, duplicate } = await inbox.store('app', dedupeKey, plaintext)
 */
export function createWecomCallbackInbox(deps: { db: Db; clock: Clock; logger: Logger }): WecomCallbackInbox {
  const { db, clock } = deps
  const log = deps.logger.child({ component: 'wecom-inbox' })
  const listeners = new Set<WecomCallbackListener>()

  const notify = (entry: { id: number; kind: WecomCallbackKind }) => {
    for (const listener of [...listeners]) {
      try {
        const result = listener(entry)
        if (result && typeof result.then === 'function') {
          result.then(undefined, (error: unknown) => log.error({ err: error, callbackId: entry.id }, 'wecom inbox listener failed'))
        }
      } catch (error) {
        log.error({ err: error, callbackId: entry.id }, 'wecom inbox listener failed')
      }
    }
  }

  return {
    async store(kind, dedupeKey, payload) {
      const stored = await insertWecomCallback(db, { kind, dedupeKey, payload, receivedAt: clock().toISOString() })
      if (!stored.duplicate) setImmediate(notify, { id: stored.id, kind })
      return stored
    },
    subscribe(listener) {
      listeners.add(listener)
      return () => void listeners.delete(listener)
    },
    async get(id) {
      const row = await findWecomCallback(db, id)
      return row && toEntry(row)
    },
    async listUnprocessed(limit) {
      return (await listUnprocessedWecomCallbacks(db, limit)).map(toEntry)
    },
    async markProcessed(id) {
      await markWecomCallbackProcessed(db, id, clock().toISOString())
    },
    async markFailed(id, error) {
      await markWecomCallbackFailed(db, id, error.slice(0, MAX_ERROR))
    },
    requeueFailed: (maxAttempts) => requeueFailedWecomCallbacks(db, maxAttempts),
  }
}

function toEntry(row: WecomCallbackRow): WecomCallbackEntry {
  return {
    id: row.id, kind: row.kind, dedupeKey: row.dedupe_key, payload: row.payload, receivedAt: row.received_at,
    status: row.status, attempts: row.attempts, error: row.error,
  }
}
