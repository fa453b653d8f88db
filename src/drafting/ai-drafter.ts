import type { Clock } from '../core/clock.js'
import type { Logger } from '../core/logger.js'
import { createRepeatWarningLimiter } from '../core/repeat-warning-limiter.js'
import type { Suggestion } from '../core/suggestion.js'
import { truncateText } from '../core/text-limits.js'
import { wellFormed } from '../core/well-formed-text.js'
import { insertAiDraft } from '../storage/ai-draft.repository.js'
import type { Db } from '../storage/create-db.js'
import type { AiDraftOutcome } from '../storage/schema.js'
import { buildDraftPrompt, type GroundingIntent } from './build-draft-prompt.js'
import type { ChatClient } from './chat-completions-client.js'
import { countTokens, draftCost, failureTokens } from './draft-cost.js'
import { LlmError, type LlmFailure } from './llm-error.js'

export interface AiDrafter {
  /** Asks for a draft of `suggestion` from these intents' answers in the background; returns at once. */
  request(suggestion: Suggestion, grounding: readonly GroundingIntent[]): void
  /** Resolves when the drafts in flight have ended (each is bounded by the client's timeout): shutdown and tests. */
  drain(): Promise<void>
}

/** A reply in a customer group is a few sentences; a longer draft is cut (the agent sees and edits it anyway). */
export const AI_DRAFT_MAX_CHARS = 1000

/** One failure warning per reason per minute: a server that is down would otherwise log once per question. */
const WARN_INTERVAL_MS = 60_000

/**
 * The optional AI drafter (issue 18): for a question below the threshold in an opted-in group, asks the chat API
 * for a reply grounded in the best-ranked intents' answers and, when it comes back in time and the item still waits
 * without a draft (an agent may have opened it: it is for them), puts it into the waiting suggestion as 「AI 草稿」 (suggestions.attachAiDraft). The question
 * is in the queue before it asks and never waits for it: a refusal, a broken stream or a timeout leaves the item as
 * it was. Every request is recorded (model, outcome, tokens, cost, latency) for the reports; nothing is ever sent.
 *
 * @example
 * const drafter = createAiDrafter({ db, chat, model: 'qwen2.5', pricePer1k: { input: 0, output: 0 }, suggestions, clock, logger })
 * drafter.request(suggestion, [{ id: 'invoice.issue', answer: '可以开电子发票…' }])
 */
export function createAiDrafter(deps: {
  db: Db; chat: ChatClient; model: string; pricePer1k: { input: number; output: number }
  suggestions: { attachAiDraft(id: number, draft: { text: string; intentIds: readonly string[] }): Promise<Suggestion | undefined> }
  clock: Clock; logger: Logger
}): AiDrafter {
  const inFlight = new Set<Promise<void>>()
  const warnings = createRepeatWarningLimiter({ intervalMs: WARN_INTERVAL_MS })

  async function draft(suggestion: Suggestion, grounding: readonly GroundingIntent[]): Promise<void> {
    const log = deps.logger.child({ suggestionId: suggestion.id, groupId: suggestion.groupId })
    const intentIds = grounding.map((g) => g.id)
    const messages = buildDraftPrompt(suggestion.question, grounding)
    const started = Date.now()
    let outcome: AiDraftOutcome
    let error: LlmFailure | null = null
    let tokens = { promptTokens: 0, completionTokens: 0, estimated: false }
    let latencyMs: number
    let model = deps.model
    try {
      const answer = await deps.chat.complete(messages)
      latencyMs = answer.latencyMs
      tokens = countTokens(messages, answer.text, answer.usage)
      model = answer.model ?? deps.model
      // Stored like any draft: well-formed (a lone surrogate or NUL from a JSON escape would not store on PostgreSQL), bounded.
      const text = truncateText(wellFormed(answer.text), AI_DRAFT_MAX_CHARS)
      const attached = await deps.suggestions.attachAiDraft(suggestion.id, { text, intentIds })
      outcome = attached ? 'drafted' : 'superseded'
      log.info({ outcome, intentIds, promptTokens: tokens.promptTokens, completionTokens: tokens.completionTokens, latencyMs }, attached ? 'AI draft attached' : 'AI draft dropped: the item was decided or drafted first')
    } catch (failure) {
      latencyMs = Date.now() - started
      if (!(failure instanceof LlmError)) throw failure
      error = failure.reason
      outcome = failure.reason === 'timeout' ? 'timeout' : 'failed'
      tokens = failureTokens(failure.reason, messages)
      const admitted = warnings.admit(failure.reason, deps.clock().getTime())
      if (admitted.log) log.warn({ reason: failure.reason, suppressed: admitted.suppressed }, `AI draft failed: ${failure.message}`)
    }
    await insertAiDraft(deps.db, {
      suggestion_id: suggestion.id, group_id: suggestion.groupId, model, outcome, error, intent_ids: JSON.stringify(intentIds),
      prompt_tokens: tokens.promptTokens, completion_tokens: tokens.completionTokens, tokens_estimated: tokens.estimated ? 1 : 0,
      cost: draftCost(tokens, deps.pricePer1k), latency_ms: latencyMs, created_at: deps.clock().toISOString(),
    })
  }

  return {
    request(suggestion, grounding) {
      const task = draft(suggestion, grounding).catch((e: unknown) => deps.logger.error({ err: e, suggestionId: suggestion.id }, 'AI draft could not be recorded'))
      inFlight.add(task)
      void task.finally(() => inFlight.delete(task))
    },
    async drain() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight])
    },
  }
}
