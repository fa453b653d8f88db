import type { Clock } from '../core/clock.js'
import type { InboundMessage } from '../core/inbound-message.js'
import type { Logger } from '../core/logger.js'
import type { Db } from '../storage/create-db.js'
import { insertMessageOnce, listUnhandledMessages, markMessage } from '../storage/message.repository.js'
import type { MessageRow } from '../storage/schema.js'
import { limitConcurrency } from './limit-concurrency.js'
import { compose, type MessageContext, type Step } from './message-context.js'

export type HandleOutcome = 'duplicate' | 'handled' | 'ignored' | 'failed'

export interface MessagePipeline {
  /** Persists the message (deduped by id), then runs the steps. Never throws: failures are stored and logged. */
  handle(message: InboundMessage): Promise<HandleOutcome>
  /** Runs the steps again for messages that were stored but never finished (the process stopped mid-way). */
  replayUnhandled(): Promise<number>
}

/**
 * The inbound path: persist first, then act. The insert is the dedupe, so a redelivered message id is dropped
 * before any step sees it; each step runs under one error boundary that records the failure on the message.
 *
 * @example
 * const pipeline = createMessagePipeline({ db, clock, logger, steps: [ignoreSelf, detectQuestion, matchIntent(m), suggestReply(d)] })
 * await pipeline.handle(inbound)
 */
export function createMessagePipeline(deps: { db: Db; clock: Clock; logger: Logger; steps: readonly Step[]; concurrency?: number }): MessagePipeline {
  const { db, clock } = deps
  const run = compose(deps.steps)
  const limit = limitConcurrency(deps.concurrency ?? 4)

  async function process(message: InboundMessage): Promise<HandleOutcome> {
    const ctx: MessageContext = { message, outcome: 'handled', log: deps.logger.child({ messageId: message.id, groupId: message.groupId }) }
    try {
      await run(ctx)
      await markMessage(db, message.id, ctx.outcome, clock().toISOString(), null, ctx.emotion ? { severity: ctx.emotion.severity, score: ctx.emotion.score } : undefined)
      return ctx.outcome
    } catch (error) {
      ctx.log.error({ err: error }, 'handling a message failed')
      await markMessage(db, message.id, 'failed', clock().toISOString(), (error as Error)?.message ?? String(error)).catch((e: unknown) =>
        ctx.log.error({ err: e }, 'could not record the failure'),
      )
      return 'failed'
    }
  }

  return {
    handle: (message) => limit(async () => {
      const stored = await insertMessageOnce(db, {
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
      })
      if (!stored) {
        deps.logger.debug({ messageId: message.id }, 'duplicate message ignored')
        return 'duplicate'
      }
      return process(message)
    }),
    async replayUnhandled() {
      const rows = await listUnhandledMessages(db)
      for (const row of rows) await process(fromRow(row))
      if (rows.length > 0) deps.logger.info({ count: rows.length }, 'replayed messages left unhandled by the last run')
      return rows.length
    },
  }
}

function fromRow(row: MessageRow): InboundMessage {
  return {
    id: row.id,
    channel: row.channel,
    groupId: row.group_id,
    groupName: row.group_name,
    senderId: row.sender_id,
    senderName: row.sender_name,
    text: row.text,
    question: row.question,
    mentionsBot: row.mentions_bot === 1,
    fromSelf: row.from_self === 1,
    sentAt: new Date(row.sent_at),
  }
}
