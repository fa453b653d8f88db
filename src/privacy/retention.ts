import type { Clock } from '../core/clock.js'
import type { Logger } from '../core/logger.js'
import { appendAudit } from '../storage/audit.repository.js'
import type { Db } from '../storage/create-db.js'
import { deleteExpiredQuestionVectors } from '../storage/embedding-cache.repository.js'
import { deleteExpiredLearnedExamples } from '../storage/learned-example.repository.js'
import { deleteExpiredLearningCandidates } from '../storage/learning-candidate.repository.js'
import { purgeMediaContent } from '../storage/message-media.repository.js'
import {
  deleteExpiredResponseUrls, purgeMessageContent, purgeOutboxContent, purgeSlotRequestContent, purgeSuggestionContent, purgeWecomCallbackPayloads,
  type KeysetResult, type KeysetStep,
} from '../storage/retention.repository.js'

/** Rows per statement: a few milliseconds of SQLite's single writer, so the bot and the console barely notice. */
export const PURGE_BATCH = 5000
/** An expired AI-bot reply address is kept a day, so an agent replying late still reads "expired" rather than "none". */
const RESPONSE_URL_GRACE_MS = 86_400_000
const DAY_MS = 86_400_000
const MEDIA_PURGE_BATCH = 100

export interface PurgeSummary {
  /** False when retention is off (QUNDESK_RETENTION_DAYS=0): nothing was looked at. */
  enabled: boolean
  retentionDays: number
  /** Content older than this went (ISO-8601 UTC); null when off. */
  cutoff: string | null
  messages: number
  suggestions: number
  slotRequests: number
  wecomCallbacks: number
  outbox: number
  wecomResponseUrls: number
  /** Pictures, voice notes and files whose bytes went. */
  media: number
  /** 学习候选 nobody reviewed within the period (they quote customers): deleted. */
  learningCandidates: number
  /** Agents' intent fixes still only in the database (not accepted into learned.yaml): deleted. */
  learnedExamples: number
  /** Questions' vectors from the embedding provider (derived from customers' words): deleted. */
  questionVectors: number
  ms: number
}

export interface Retention {
  /** Purges content past the retention period, in batches; idempotent; one audit entry per run. */
  purge(): Promise<PurgeSummary>
}

/**
 * Data retention (PIPL): message content older than `retentionDays` is blanked while the rows stay, so per-member
 * counts, activity windows and report aggregates are unchanged. Runs nightly from the scheduler; a second call
 * while one runs joins it.
 *
 * @example
 * const retention = createRetention({ db, clock, logger, retentionDays: 180 })
 * await retention.purge()   // { enabled: true, cutoff: '2026-05-27T19:30:00.000Z', messages: 51234, ... }
 */
export function createRetention(deps: { db: Db; clock: Clock; logger: Logger; retentionDays: number; batchSize?: number }): Retention {
  const { db, clock } = deps
  const limit = deps.batchSize ?? PURGE_BATCH
  const log = deps.logger.child({ component: 'retention' })
  let running: Promise<PurgeSummary> | undefined

  async function run(): Promise<PurgeSummary> {
    const started = clock()
    const empty = { messages: 0, suggestions: 0, slotRequests: 0, wecomCallbacks: 0, outbox: 0, wecomResponseUrls: 0, media: 0, learningCandidates: 0, learnedExamples: 0, questionVectors: 0 }
    if (deps.retentionDays <= 0) return { enabled: false, retentionDays: 0, cutoff: null, ...empty, ms: 0 }
    const before = new Date(started.getTime() - deps.retentionDays * DAY_MS).toISOString()
    const at = started.toISOString()
    const step = { before, at, limit }
    const t0 = Date.now()
    const counts = {
      messages: await repeat(() => purgeMessageContent(db, step)),
      suggestions: await repeat(() => purgeSuggestionContent(db, step)),
      slotRequests: await walk((afterId) => purgeSlotRequestContent(db, { ...step, afterId })),
      wecomCallbacks: await walk((afterId) => purgeWecomCallbackPayloads(db, { ...step, afterId })),
      outbox: await walk((afterId) => purgeOutboxContent(db, { ...step, afterId })),
      wecomResponseUrls: await repeat(() => deleteExpiredResponseUrls(db, { before: new Date(started.getTime() - RESPONSE_URL_GRACE_MS).toISOString(), limit })),
      // Smaller steps: each row's bytes are rewritten, and a row can hold megabytes.
      media: await repeat(() => purgeMediaContent(db, { ...step, limit: Math.min(limit, MEDIA_PURGE_BATCH) }), Math.min(limit, MEDIA_PURGE_BATCH)),
      // Accepted examples live in knowledge/learned.yaml, which admins curate like any knowledge file.
      learningCandidates: await repeat(() => deleteExpiredLearningCandidates(db, step)),
      learnedExamples: await repeat(() => deleteExpiredLearnedExamples(db, step)),
      questionVectors: await repeat(() => deleteExpiredQuestionVectors(db, step)),
    }
    const summary: PurgeSummary = { enabled: true, retentionDays: deps.retentionDays, cutoff: before, ...counts, ms: Date.now() - t0 }
    await appendAudit(db, { at: clock(), actor: 'system', action: 'retention.purged', subjectType: 'retention', subjectId: before, detail: { ...summary } })
    log.info(summary, 'retention purge done')
    return summary
  }

  async function repeat(step: () => Promise<number>, size = limit): Promise<number> {
    let total = 0
    for (;;) {
      const changed = await step()
      total += changed
      if (changed < size) return total
      await yieldToOthers()
    }
  }

  async function walk(step: (afterId: number) => Promise<KeysetResult>): Promise<number> {
    let total = 0
    let afterId: KeysetStep['afterId'] = 0
    for (;;) {
      const result = await step(afterId)
      total += result.changed
      if (!result.more) return total
      afterId = result.lastId
      await yieldToOthers()
    }
  }

  return {
    purge() {
      running ??= run().finally(() => { running = undefined })
      return running
    },
  }
}

/** better-sqlite3 is synchronous: let queued requests and messages run between two batches. */
const yieldToOthers = () => new Promise<void>((resolve) => setImmediate(resolve))
