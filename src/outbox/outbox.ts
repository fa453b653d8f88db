import type { Clock } from '../core/clock.js'
import { asQunDeskError, QunDeskError } from '../core/errors.js'
import type { Logger } from '../core/logger.js'
import type { ReplySender } from '../core/reply-sender.js'
import type { Db } from '../storage/create-db.js'
import {
  findOutboxRow, insertOutboxRow, listDueOutboxRows, listOutboxRows, listQueuedRowsOf, listUnsettledOutboxRows, markOutboxSettled, nextOutboxDueAt, transitionOutboxRow,
} from '../storage/outbox.repository.js'
import type { OutboxRow } from '../storage/schema.js'
import { createPacer, retryDelayMs, type PacingPolicy } from './pacing.js'
import { findGroupOwner, findInstance, isInstanceLockHeld, notifyInstances } from '../storage/fleet.repository.js'
import { isPostgres } from '../storage/dialect.js'
import { STALE_AFTER_MS } from '../fleet/heartbeat.js'

export interface OutgoingMessage {
  /** What the send is for, `<kind>:<id>` (e.g. `suggestion:12`): its handler is told the outcome. */
  source: string
  groupId: string
  text: string
  mention?: { memberId: string; memberName: string; messageId?: string } | undefined
  actor: string
  /** Never queue this source again once it has any row (sent or not): for sends a replay must not repeat. */
  once?: boolean
}

/**
 * What happened to a queued send. `sent` and `failed` are final; `retrying` (a failed attempt, another will
 * follow) and `waiting` (the channel is down; no attempt was spent) are progress reports.
 */
export type OutboxEvent =
  | { type: 'sent'; row: OutboxRow }
  | { type: 'failed'; row: OutboxRow; error: string }
  | { type: 'retrying'; row: OutboxRow; error: string; nextAttemptAt: string }
  | { type: 'waiting'; row: OutboxRow; reason: string }

export type OutboxHandler = (event: OutboxEvent) => Promise<void>

/**
 * Where a row stands after `deliver`: attempted (sent, failed, retrying) or left for later (paced, channel
 * down). A failed or retried attempt carries the channel's error.
 */
export interface DeliverOutcome {
  status: 'sent' | 'failed' | 'retrying' | 'queued'
  error?: QunDeskError
}
const QUEUED: DeliverOutcome = { status: 'queued' }

export interface OutboxOptions extends PacingPolicy {
  /** Attempts before a send is marked failed. */
  maxAttempts: number
}

/** The NOTIFY channel that wakes an instance's outbox worker; the payload is the instance id. */
export const OUTBOX_CHANNEL = 'qundesk_outbox'
/** The instance id of a single-process install (QUNDESK_INSTANCE_ID unset). */
export const DEFAULT_INSTANCE_ID = 'default'

/** No pacing, one attempt: for tools and tests that send at once. */
export const UNPACED: Readonly<OutboxOptions> = { groupIntervalMs: 0, globalIntervalMs: 0, jitterMs: 0, maxAttempts: 1 }

export interface Outbox {
  /** Stores a send (in the caller's transaction when given one); one live send per source. */
  enqueue(message: OutgoingMessage, db?: Db): Promise<OutboxRow>
  /** Wakes the worker and waits until row `id` has had an attempt or must wait its turn. */
  deliver(id: number): Promise<DeliverOutcome>
  /** Registers the handler for sources `<kind>:…`. */
  handle(kind: string, handler: OutboxHandler): void
  /** After a restart: rows caught mid-send are failed (never re-sent blindly), unsettled outcomes are re-told. */
  recover(): Promise<{ interrupted: number; resettled: number }>
  /** Tells the owners of the sends only instance `instanceId` can make that they wait for it (it is not running). */
  noteStranded(instanceId: string): Promise<number>
  /** Wakes the worker, e.g. when the channel logged in again. */
  kick(): void
  /** Stops the worker after the send in progress; queued rows stay for the next start. */
  stop(): Promise<void>
}

/** Sends the channel reported as refused for good; anything else (a dropped connection, a timeout) is retried. */
export function isRetryable(error: QunDeskError): boolean {
  if (error.context.retryable === false) return false
  return error.code === 'channel_unavailable' || error.code === 'internal'
}

export const INTERRUPTED_SEND = '发送时进程中断，无法确认是否已发出：请在群里确认后再决定是否重发'
/** Why a send waits when the instance whose account is in the group is not running. */
export const strandedReason = (instanceId: string) => `群所在账号的实例 ${instanceId} 未在运行，它恢复后自动发送`

/**
 * The persisted outbox: every reply, question and welcome the bot sends is a row first. One worker sends due rows
 * in order, paced per group and globally with jitter; a failed attempt is retried with backoff up to
 * `maxAttempts`, then marked failed. While the channel is down nothing is attempted and rows wait. Each row moves
 * queued -> sending -> sent|failed by conditional updates, so no row is handed to the channel twice.
 *
 * @example
 * const outbox = createOutbox({ db, clock, logger, sender, options: { ...DEFAULT_PACING, maxAttempts: 5 } })
 * outbox.handle('suggestion', async (event) => { ... })
 * const row = await outbox.enqueue({ source: 'suggestion:12', groupId, text, actor: 'agent:小王' })
 * await outbox.deliver(row.id)
 */
export function createOutbox(deps: {
  db: Db
  clock: Clock
  logger: Logger
  sender: ReplySender
  options: OutboxOptions
  random?: () => number
  /** How often to look again while the channel is down or rows wait for a retry without a timer. */
  pollMs?: number
  /** QUNDESK_INSTANCE_ID: this worker sends the rows of groups this instance's account is in. */
  instanceId?: string
}): Outbox {
  const { db, clock, sender, options } = deps
  const instanceId = deps.instanceId ?? DEFAULT_INSTANCE_ID
  const log = deps.logger.child({ component: 'outbox' })
  const random = deps.random ?? Math.random
  const pacer = createPacer(options, random)
  const handlers = new Map<string, OutboxHandler>()
  const waiters = new Map<number, Array<(outcome: DeliverOutcome) => void>>()
  const notifiedWaiting = new Set<number>()
  /** Attempts under way in this process, so a deliver() that finds its row mid-send gets the outcome. */
  const inFlight = new Map<number, Promise<DeliverOutcome>>()
  /**
   * Outcomes of this process's latest attempts: a deliver() that finds its row already settled (the worker got to it
   * first, woken by a poll or a reconnect) still reports the channel's own error, e.g. unknown_group, not a guess.
   */
  const recentOutcomes = new Map<number, { outcome: DeliverOutcome; seq: number }>()
  /** Orders deliver() calls and recorded outcomes, so a deliver() can tell an attempt that ended after it began. */
  let seq = 0
  const remember = (id: number, outcome: DeliverOutcome) => {
    recentOutcomes.delete(id)
    recentOutcomes.set(id, { outcome, seq: ++seq })
    if (recentOutcomes.size > 1000) recentOutcomes.delete(recentOutcomes.keys().next().value!)
  }
  let timer: NodeJS.Timeout | undefined
  let running: Promise<void> | undefined
  let again = false
  let stopped = false

  const now = () => clock().getTime()
  /** Stopped, or gone: on PostgreSQL nobody holds its instance lock (a killed process at once), else no heartbeat for a minute. */
  const ownerIsDown = async (owner: string): Promise<boolean> => {
    const found = await findInstance(db, owner)
    if (!found || found.stopped_at !== null) return true
    if (isPostgres(db)) return !(await isInstanceLockHeld(db, owner))
    return now() - Date.parse(found.heartbeat_at) > STALE_AFTER_MS
  }
  const iso = (ms: number) => new Date(ms).toISOString()

  async function tell(event: OutboxEvent): Promise<void> {
    const kind = event.row.source.slice(0, event.row.source.indexOf(':'))
    const handler = handlers.get(kind)
    try {
      if (handler) await handler(event)
      if (event.type === 'sent' || event.type === 'failed') await markOutboxSettled(db, event.row.id, clock().toISOString())
    } catch (error) {
      // The row keeps settled_at null, so recover() tells the owner again at the next start.
      log.error({ err: error, outboxId: event.row.id, source: event.row.source }, 'recording a send outcome failed')
    }
  }

  function resolve(id: number, outcome: DeliverOutcome): void {
    const list = waiters.get(id)
    if (!list) return
    waiters.delete(id)
    for (const done of list) done(outcome)
  }

  async function attempt(row: OutboxRow): Promise<DeliverOutcome> {
    const attempts = row.attempts + 1
    if (!(await transitionOutboxRow(db, row.id, 'queued', { status: 'sending', attempts }))) return QUEUED
    const mention = row.mention_member_id
      ? { memberId: row.mention_member_id, memberName: row.mention_member_name ?? '', ...(row.reply_to_message_id ? { messageId: row.reply_to_message_id } : {}) }
      : undefined
    const startedAt = now()
    pacer.record(row.group_id, startedAt)
    try {
      await sender.sendToGroup(row.group_id, row.text, mention)
    } catch (thrown) {
      const error = asQunDeskError(thrown, { outboxId: row.id })
      if (isRetryable(error) && attempts < options.maxAttempts) {
        const nextAttemptAt = iso(now() + retryDelayMs(attempts, random))
        await transitionOutboxRow(db, row.id, 'sending', { status: 'queued', next_attempt_at: nextAttemptAt, last_error: error.message })
        log.warn({ err: error, outboxId: row.id, attempts, nextAttemptAt }, 'send failed; will retry')
        await tell({ type: 'retrying', row: { ...row, attempts, status: 'queued', next_attempt_at: nextAttemptAt, last_error: error.message }, error: error.message, nextAttemptAt })
        return { status: 'retrying', error }
      }
      const message = attempts > 1 ? `${error.message}（已尝试 ${attempts} 次）` : error.message
      await transitionOutboxRow(db, row.id, 'sending', { status: 'failed', last_error: message })
      log.warn({ err: error, outboxId: row.id, attempts }, 'send failed for good')
      await tell({ type: 'failed', row: { ...row, attempts, status: 'failed', last_error: message }, error: message })
      return { status: 'failed', error }
    }
    const sentAt = clock().toISOString()
    await transitionOutboxRow(db, row.id, 'sending', { status: 'sent', sent_at: sentAt, last_error: null })
    await tell({ type: 'sent', row: { ...row, attempts, status: 'sent', sent_at: sentAt, last_error: null } })
    return { status: 'sent' }
  }

  /**
   * A row this pass leaves for later is answered `queued`, unless a deliver() arrived meanwhile (`again`): the pass
   * may have judged the row on a state that has since changed (the account came back), and the next pass answers.
   */
  function leave(id: number): void {
    if (!again) resolve(id, QUEUED)
  }

  /** One pass over the due rows; returns when to look again (ms from now), if ever. */
  async function pass(): Promise<number | undefined> {
    // During the account-wide gap no row can go out: a pass would read every due row only to leave it, and a burst
    // of auto-sends (each waking the worker) re-read the whole queue per send. Look again when the gap ends; rows
    // waiting for an offline group are told so then (at most one gap late).
    const gap = pacer.globalWaitMs(now())
    if (gap > 0) return gap
    const due = await listDueOutboxRows(db, iso(now()), 500, instanceId)
    let wakeIn: number | undefined
    const later = (ms: number) => { wakeIn = wakeIn === undefined ? ms : Math.min(wakeIn, ms) }
    const blockedGroups = new Set<string>()
    for (const row of due) {
      if (stopped) break
      // Within a group the order is kept: a later row never overtakes an earlier one that must wait.
      if (blockedGroups.has(row.group_id)) { leave(row.id); continue }
      const mention = row.mention_member_id ? { memberId: row.mention_member_id, memberName: row.mention_member_name ?? '', ...(row.reply_to_message_id ? { messageId: row.reply_to_message_id } : {}) } : undefined
      if (sender.isAvailable && !sender.isAvailable(row.group_id, mention)) {
        blockedGroups.add(row.group_id)
        later(deps.pollMs ?? 5000)
        if (!notifiedWaiting.has(row.id)) {
          notifiedWaiting.add(row.id)
          await tell({ type: 'waiting', row, reason: '机器人账号离线，恢复连接后自动发送' })
        }
        leave(row.id)
        continue
      }
      const wait = pacer.waitMs(row.group_id, now())
      if (wait > 0) {
        blockedGroups.add(row.group_id)
        later(wait)
        leave(row.id)
        continue
      }
      notifiedWaiting.delete(row.id)
      const sending = attempt(row)
      inFlight.set(row.id, sending)
      let outcome: DeliverOutcome
      try {
        outcome = await sending
        // Remembered before it leaves inFlight: a deliver() looking in between must find it in one or the other.
        remember(row.id, outcome)
      } finally {
        inFlight.delete(row.id)
      }
      resolve(row.id, outcome)
    }
    if (due.length === 500) later(0)
    const nextDue = await nextOutboxDueAt(db, instanceId)
    if (nextDue) later(Math.max(0, Date.parse(nextDue) - now()))
    return wakeIn
  }

  function schedule(ms: number): void {
    if (stopped) return
    if (timer) clearTimeout(timer)
    timer = setTimeout(() => { timer = undefined; kick() }, Math.max(0, ms))
    timer.unref()
  }

  function kick(): void {
    if (stopped) return
    if (running) { again = true; return }
    running = (async () => {
      do {
        again = false
        try {
          const wakeIn = await pass()
          if (wakeIn !== undefined && !again) schedule(wakeIn)
        } catch (error) {
          log.error({ err: error }, 'outbox pass failed')
          schedule(deps.pollMs ?? 5000)
        }
      } while (again && !stopped)
      // Whoever still waits has a row that is not due yet (a retry's backoff): it stays queued.
      for (const id of [...waiters.keys()]) resolve(id, QUEUED)
      running = undefined
    })()
  }

  return {
    async enqueue(message, tx) {
      const at = clock().toISOString()
      const into = tx ?? db
      // The instance whose account is in the group sends; a group nobody claimed yet is this instance's.
      const owner = (await findGroupOwner(into, message.groupId)) ?? instanceId
      const row = await insertOutboxRow(into, {
        source: message.source, group_id: message.groupId, text: message.text, actor: message.actor,
        mention_member_id: message.mention?.memberId ?? null, mention_member_name: message.mention?.memberName ?? null,
        reply_to_message_id: message.mention?.messageId ?? null,
        status: 'queued', attempts: 0, next_attempt_at: at, created_at: at, instance_id: owner,
      }, { once: message.once ?? false })
      // Delivered when the transaction commits: the owner's worker wakes without waiting for its next poll.
      if (owner !== instanceId) await notifyInstances(into, OUTBOX_CHANNEL, owner)
      return row
    },
    deliver(id) {
      const since = ++seq
      return new Promise<DeliverOutcome>((done) => {
        const settled = (row: OutboxRow | undefined): DeliverOutcome => {
          if (row?.status === 'sent') return { status: 'sent' }
          if (row?.status !== 'failed') return QUEUED
          const known = recentOutcomes.get(row.id)?.outcome
          if (known?.status === 'failed') return known
          // Failed elsewhere (another process, an earlier run): its recorded reason, with a generic code.
          return { status: 'failed', error: new QunDeskError('channel_unavailable', row.last_error ?? '发送失败', { outboxId: row.id }) }
        }
        void findOutboxRow(db, id).then((row) => {
          // Being sent by this process right now (the row may already read sent or failed while the outcome is still
          // being recorded): the caller gets that attempt's outcome, with the channel's own error.
          const sending = inFlight.get(id)
          if (sending) return void sending.then(done, () => done(QUEUED))
          // Attempted by this process after this call began, so the row read above may be from before it.
          const attempted = recentOutcomes.get(id)
          if (attempted && attempted.seq > since) return done(attempted.outcome)
          // Sent by this process a moment ago, or by another one: its result is in the row; a row another process
          // is sending stays "queued" (not known here yet).
          if (row?.status === 'sending') return void findOutboxRow(db, id).then((again) => done(settled(again)), () => done(QUEUED))
          if (!row || row.status !== 'queued') return done(settled(row))
          // Another instance's account sends this one; its outcome reaches the owner's handlers there. If that
          // instance is not running, whoever approved it is told why it waits.
          if (row.instance_id !== null && row.instance_id !== instanceId) {
            const owner = row.instance_id
            return void ownerIsDown(owner).then(async (down) => { if (down) await tell({ type: 'waiting', row, reason: strandedReason(owner) }) })
              .catch((error: unknown) => log.warn({ err: error, outboxId: id }, 'checking the owning instance failed'))
              .finally(() => done(QUEUED))
          }
          const list = waiters.get(id) ?? []
          list.push(done)
          waiters.set(id, list)
          if (stopped) return resolve(id, QUEUED)
          if (running) again = true
          else kick()
        }, () => done(QUEUED))
      })
    },
    async noteStranded(owner) {
      const rows = await listQueuedRowsOf(db, owner)
      for (const row of rows) await tell({ type: 'waiting', row, reason: strandedReason(owner) })
      return rows.length
    },
    handle(kind, handler) {
      handlers.set(kind, handler)
    },
    async recover() {
      let interrupted = 0
      for (const row of await listOutboxRows(db, 'sending', instanceId)) {
        if (await transitionOutboxRow(db, row.id, 'sending', { status: 'failed', last_error: INTERRUPTED_SEND })) {
          interrupted += 1
          log.warn({ outboxId: row.id, source: row.source }, 'a send was interrupted by the last stop; not re-sent')
        }
      }
      const unsettled = await listUnsettledOutboxRows(db, instanceId)
      for (const row of unsettled) {
        await tell(row.status === 'sent' ? { type: 'sent', row } : { type: 'failed', row, error: row.last_error ?? INTERRUPTED_SEND })
      }
      kick()
      return { interrupted, resettled: unsettled.length }
    },
    kick,
    async stop() {
      stopped = true
      if (timer) clearTimeout(timer)
      await running
      for (const id of [...waiters.keys()]) resolve(id, QUEUED)
    },
  }
}
