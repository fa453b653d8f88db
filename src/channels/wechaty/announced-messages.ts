import type { Clock } from '../../core/clock.js'
import type { Logger } from '../../core/logger.js'
import {
  clearAnnouncedMessages, listAnnouncedMessages, pruneAnnouncedMessages, recordAnnouncedMessages,
} from '../../storage/announced-message.repository.js'
import type { Db } from '../../storage/create-db.js'

/** Puppets keep message payloads for a limited time: an id older than this can no longer be read. */
export const ANNOUNCED_KEEP_DAYS = 3

export interface AnnouncedMessages {
  /** The puppet announced `messageId`: written with the others announced meanwhile, in the next write. */
  announce(messageId: string): void
  /** The message is stored, or skipped on purpose (not a group message, ...): its id is forgotten. */
  settle(messageId: string): void
  /** Ids this instance's puppet announced and no run stored, oldest first (the next start reads them again). */
  pending(limit: number): Promise<string[]>
  /** Deletes ids older than ANNOUNCED_KEEP_DAYS (any instance's); logs how many. */
  prune(): Promise<number>
  /** Resolves once everything announced or settled so far is written. */
  flush(): Promise<void>
  /** Writes so far, and how long the oldest id of each write waited for it (ms): the crash window left. */
  stats(): { ids: number; writes: number; maxLagMs: number; meanLagMs: number }
}

/**
 * The ids a puppet announced, on disk before the message is read. A puppet's 'message' event carries the id
 * only; Wechaty then reads the payload, room and sender (several puppet calls, 16 messages at a time), and a
 * process killed in between lost every message it had been told about but not yet stored (issue item 16: ~90
 * of a 200-message burst). Ids are written in batches: one write is in progress at a time and takes everything
 * announced meanwhile (and the ids settled meanwhile, in the same commit), so a burst costs few writes and an id
 * waits at most about two writes.
 *
 * @example
 * const announced = createAnnouncedMessages({ db, instanceId: 'default', channel: 'wechaty', clock, logger })
 * puppet.on('message', ({ messageId }) => announced.announce(messageId))
 * // ... once stored: announced.settle(messageId)
 */
export function createAnnouncedMessages(deps: { db: Db; instanceId: string; channel: string; clock: Clock; logger: Logger }): AnnouncedMessages {
  const { db, instanceId, channel, clock } = deps
  const log = deps.logger.child({ component: 'announced-messages' })
  // Announced and not yet written, with the moment each was announced (for the lag figure).
  const toWrite = new Map<string, number>()
  // Settled after (or while) being written: deleted in the next write.
  const toClear = new Set<string>()
  let writing: Promise<void> | undefined
  let retryTimer: NodeJS.Timeout | undefined
  const totals = { ids: 0, writes: 0, maxLagMs: 0, totalLagMs: 0 }

  const writeOnce = async () => {
    const batch = [...toWrite]
    toWrite.clear()
    // An id settled while its insert runs is no longer in toWrite: it lands in toClear and the next round deletes it.
    const clear = [...toClear]
    toClear.clear()
    try {
      if (batch.length > 0) {
        const ids = batch.map(([id]) => id)
        const at = clock().toISOString()
        // One commit for both when there are both: each commit is a large part of what a small write costs.
        if (clear.length > 0) {
          await db.transaction().execute(async (trx) => {
            await recordAnnouncedMessages(trx, instanceId, channel, ids, at)
            await clearAnnouncedMessages(trx, instanceId, channel, clear)
          })
        } else {
          await recordAnnouncedMessages(db, instanceId, channel, ids, at)
        }
        const lag = Date.now() - Math.min(...batch.map(([, at]) => at))
        totals.ids += batch.length
        totals.writes += 1
        totals.maxLagMs = Math.max(totals.maxLagMs, lag)
        totals.totalLagMs += lag
      } else if (clear.length > 0) {
        await clearAnnouncedMessages(db, instanceId, channel, clear)
      }
    } catch (error) {
      // Kept for the next write (in a second, not in a tight loop against a failing database).
      for (const [id, at] of batch) if (!toWrite.has(id)) toWrite.set(id, at)
      for (const id of clear) toClear.add(id)
      log.error({ err: error, ids: batch.length }, 'could not record announced message ids; retrying')
      retryTimer ??= setTimeout(() => { retryTimer = undefined; schedule(false) }, 1000).unref()
      throw error
    }
  }

  // Waiting for the rest of a burst before a write starts.
  let gathering: NodeJS.Immediate | undefined
  /**
   * `gather`: the write starts after the events already read from the puppet (one turn of the event loop), so one
   * write takes them all: a burst arrives as many events in one read from the puppet's stream, and without the wait
   * each id had a write of its own (issue 19). It costs the crash window that one turn.
   */
  const schedule = (gather = true) => {
    if (writing || retryTimer) return
    if (toWrite.size === 0 && toClear.size === 0) return
    if (gather) {
      gathering ??= setImmediate(() => { gathering = undefined; schedule(false) })
      return
    }
    if (gathering) { clearImmediate(gathering); gathering = undefined }
    writing = (async () => {
      try {
        while (toWrite.size > 0 || toClear.size > 0) await writeOnce()
      } catch { /* logged; the retry timer takes over */ }
    })().finally(() => { writing = undefined })
  }

  return {
    announce(messageId) {
      if (!toWrite.has(messageId)) toWrite.set(messageId, Date.now())
      schedule()
    },
    settle(messageId) {
      // Stored before its id was written: nothing to write or delete.
      if (toWrite.delete(messageId)) return
      toClear.add(messageId)
      schedule()
    },
    pending: (limit) => listAnnouncedMessages(db, instanceId, channel, limit),
    async prune() {
      const before = new Date(clock().getTime() - ANNOUNCED_KEEP_DAYS * 86_400_000).toISOString()
      const count = await pruneAnnouncedMessages(db, before)
      if (count > 0) log.warn({ count, before }, 'forgot announced message ids too old for the puppet to give; those messages are lost')
      return count
    },
    async flush() {
      if (retryTimer) { clearTimeout(retryTimer); retryTimer = undefined }
      schedule(false)
      while (writing) await writing
    },
    stats: () => ({ ids: totals.ids, writes: totals.writes, maxLagMs: totals.maxLagMs, meanLagMs: totals.writes === 0 ? 0 : totals.totalLagMs / totals.writes }),
  }
}
