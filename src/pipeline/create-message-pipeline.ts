import type { Clock } from '../core/clock.js'
import type { InboundMessage } from '../core/inbound-message.js'
import type { Logger } from '../core/logger.js'
import type { Db } from '../storage/create-db.js'
import type { NewMessageRow } from '../storage/schema.js'
import { commitAlone, type CommitTogether } from '../storage/commit-together.js'
import { inboundFromRow, insertMessageOnce, insertMessagesOnce, listUnhandledMessages, markMessage } from '../storage/message.repository.js'
import { insertMessageMedia } from '../storage/message-media.repository.js'
import { groupCommit } from '../core/group-commit.js'
import { limitConcurrency } from '../core/limit-concurrency.js'
import { capInboundMessage, STORED_TEXT_MAX_CHARS } from '../core/text-limits.js'
import { compose, type MessageContext, type Step } from './message-context.js'

export type HandleOutcome = 'duplicate' | 'handled' | 'ignored' | 'failed'

export interface MessagePipeline {
  /**
   * Persists the message (deduped by id), then runs the steps, and resolves when they are done. Never throws:
   * failures are stored on the message and logged.
   */
  handle(message: InboundMessage): Promise<HandleOutcome>
  /**
   * Stores the message and queues the steps without waiting for them: resolves 'accepted' once the message is
   * on disk (acknowledged), or 'duplicate'. Inbound channels use this, so taking messages in never waits for
   * matching.
   */
  accept(message: InboundMessage): Promise<'accepted' | 'duplicate' | 'ignored'>
  /** Runs the steps for messages that were stored but never finished (the process stopped mid-way). */
  replayUnhandled(): Promise<number>
  /** Messages stored and waiting for (or in) the steps. */
  backlog(): number
  /** Stops taking messages in (later ones are left to the platform's redelivery or the next start's replay) and waits for those in hand. */
  drain(): Promise<void>
}

/**
 * The inbound path: persist first, then act. The insert is the dedupe, so a redelivered message id is dropped
 * before any step sees it; each step runs under one error boundary that records the failure on the message.
 *
 * @example
 * const pipeline = createMessagePipeline({ db, clock, logger, steps: [ignoreSelf, detectQuestion, matchIntent(m), suggestReply(d)] })
 * await pipeline.handle(inbound)
 */
export function createMessagePipeline(deps: {
  db: Db; clock: Clock; logger: Logger; steps: readonly Step[]; concurrency?: number
  /** Where the outcome is written: shared with the suggestion inserts, so a burst's writes share commits (default: each alone). */
  commit?: CommitTogether | undefined
  /** QUNDESK_INSTANCE_ID: messages are stored under it, and a replay takes only this instance's (and older, unowned) ones. */
  instanceId?: string
}): MessagePipeline {
  const { db, clock } = deps
  const run = compose(deps.steps)
  const limit = limitConcurrency(deps.concurrency ?? 4)
  // Ids stored and queued or running here: a replay must not pick them up a second time.
  const inHand = new Set<string>()
  const tasks = new Set<Promise<unknown>>()
  let draining = false
  // A burst's messages are stored a batch per commit (each still acknowledged only once its own row is on disk).
  const insertOnce = groupCommit({ writeBatch: (rows: readonly NewMessageRow[]) => insertMessagesOnce(db, rows), writeOne: (row: NewMessageRow) => insertMessageOnce(db, row) })
  const commit = deps.commit ?? commitAlone(db)

  const track = <T>(task: Promise<T>): Promise<T> => {
    tasks.add(task)
    void task.finally(() => tasks.delete(task)).catch(() => undefined)
    return task
  }

  const queue = (message: InboundMessage): Promise<HandleOutcome> => {
    inHand.add(message.id)
    return track(limit(() => process(message)).finally(() => inHand.delete(message.id)))
  }

  async function process(message: InboundMessage): Promise<HandleOutcome> {
    const ctx: MessageContext = { message, outcome: 'handled', log: deps.logger.child({ messageId: message.id, groupId: message.groupId }) }
    try {
      await run(ctx)
      const emotion = ctx.emotion ? { severity: ctx.emotion.severity, score: ctx.emotion.score } : undefined
      await commit((trx) => markMessage(trx, message.id, ctx.outcome, clock().toISOString(), null, emotion))
      return ctx.outcome
    } catch (error) {
      ctx.log.error({ err: error }, 'handling a message failed')
      await commit((trx) => markMessage(trx, message.id, 'failed', clock().toISOString(), (error as Error)?.message ?? String(error))).catch((e: unknown) =>
        ctx.log.error({ err: e }, 'could not record the failure'),
      )
      return 'failed'
    }
  }

  /**
   * Stores the message (the insert is the dedupe): once it resolves 'accepted', the message is safe. The text is cut
   * to STORED_TEXT_MAX_CHARS here whatever the channel did, and the steps get the stored (cut) message.
   */
  async function store(received: InboundMessage): Promise<{ outcome: 'accepted' | 'duplicate' | 'ignored'; message: InboundMessage }> {
    if (draining) return { outcome: 'ignored', message: received }
    const message = capInboundMessage(received)
    const row: NewMessageRow = {
      id: message.id,
      channel: message.channel,
      group_id: message.groupId,
      group_name: message.groupName,
      sender_id: message.senderId,
      sender_name: message.senderName,
      text: message.text,
      question: message.question,
      mentions_bot: message.mentionsBot ? 1 : 0,
      from_self: message.fromSelf ? 1 : 0,
      sent_at: message.sentAt.toISOString(),
      received_at: clock().toISOString(),
      status: 'received',
      ...(deps.instanceId ? { instance_id: deps.instanceId } : {}),
      ...(message.textOriginalLength !== undefined ? { text_original_length: message.textOriginalLength } : {}),
    }
    const media = message.media ?? []
    // With media, the message and its files go in one transaction: neither is ever stored without the other.
    const stored = await track(media.length === 0 ? insertOnce(row) : db.transaction().execute(async (trx) => {
      const inserted = await insertMessageOnce(trx, row)
      if (inserted) await insertMessageMedia(trx, { id: row.id, groupId: row.group_id, senderId: row.sender_id, sentAt: row.sent_at }, media, row.received_at)
      return inserted
    }))
    if (!stored) {
      deps.logger.debug({ messageId: message.id }, 'duplicate message ignored')
      return { outcome: 'duplicate', message }
    }
    // The rest of the text is gone: say so where an operator looks, with its size (never its content).
    if (message.textOriginalLength !== undefined) {
      deps.logger.warn({ messageId: message.id, groupId: message.groupId, originalLength: message.textOriginalLength, storedLength: message.text.length, limit: STORED_TEXT_MAX_CHARS }, 'message text too long: stored cut')
    }
    return { outcome: 'accepted', message }
  }

  return {
    handle: async (received) => {
      const { outcome, message } = await store(received)
      if (outcome !== 'accepted') return outcome
      return queue(message)
    },
    async accept(received) {
      const { outcome, message } = await store(received)
      if (outcome === 'accepted') void queue(message)
      return outcome
    },
    async replayUnhandled() {
      let replayed = 0
      const seen = new Set<string>()
      // Page by page, so a large backlog after a crash never sits in memory at once.
      for (;;) {
        const rows = (await listUnhandledMessages(db, 500 + inHand.size, deps.instanceId)).filter((r) => !inHand.has(r.id) && !seen.has(r.id))
        if (rows.length === 0 || draining) break
        for (const row of rows) seen.add(row.id)
        await Promise.all(rows.map((row) => queue(inboundFromRow(row))))
        replayed += rows.length
      }
      if (replayed > 0) deps.logger.info({ count: replayed }, 'replayed messages left unhandled by the last run')
      return replayed
    },
    backlog: () => inHand.size,
    async drain() {
      draining = true
      while (tasks.size > 0) await Promise.allSettled([...tasks])
    },
  }
}
