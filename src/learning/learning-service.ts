import type { Clock } from '../core/clock.js'
import { QunDeskError } from '../core/errors.js'
import type { Logger } from '../core/logger.js'
import { renderMemberAnswer } from '../knowledge/render-answer.js'
import type { MatcherRuntime } from '../nlu/matcher-runtime.js'
import { formatLearnedYaml } from './format-learned-yaml.js'
import { appendAudit } from '../storage/audit.repository.js'
import type { Db } from '../storage/create-db.js'
import { insertLearnedExample, listLearnedExamples } from '../storage/learned-example.repository.js'
import { transitionSuggestion } from '../storage/suggestion.repository.js'
import type { Decision, SuggestionService } from '../suggestions/suggestion-service.js'
import type { Suggestion } from '../suggestions/suggestion.js'

export interface LearningService {
  /**
   * "Wrong intent": stores the question as an example of the right intent, redrafts the pending suggestion with
   * that intent's answer, and retrains in the background so the next such question matches.
   */
  fixIntent(suggestionId: number, options: Decision & { intentId: string }): Promise<Suggestion>
  /** Learned examples for training, limited to intents that still exist. */
  trainingExamples(): Promise<Array<{ intentId: string; text: string }>>
  /** The learned examples as YAML an admin can merge into knowledge/. */
  exportYaml(): Promise<string>
}

/**
 * The learning loop behind the console's "wrong intent" button.
 *
 * @example
 * const learning = createLearningService({ db, clock, logger, knowledge, suggestions })
 * await learning.fixIntent(12, { intentId: 'invoice.request', actor: '小王' })
 */
export function createLearningService(deps: { db: Db; clock: Clock; logger: Logger; knowledge: () => MatcherRuntime; suggestions: SuggestionService }): LearningService {
  const { db, clock } = deps
  return {
    async fixIntent(suggestionId, options) {
      const { intentId, actor } = options
      // Same guard as a send: on the version the agent saw, and not on a colleague's item unless taken over.
      const suggestion = await deps.suggestions.prepare(suggestionId, options)
      const intent = deps.knowledge().current().kb.get(intentId)
      if (!intent) throw new QunDeskError('bad_request', `意图 ${intentId} 不存在`, { intentId })
      if (suggestion.status !== 'pending') throw new QunDeskError('conflict', `建议 #${suggestionId} 已处理，不能再改意图`, { suggestionId })
      // Welcome/care messages and reminders come from tag rules, not from a question: there is no intent to fix.
      if (suggestion.kind !== 'answer' && suggestion.kind !== 'needs_human') throw new QunDeskError('bad_request', `建议 #${suggestionId} 是标签规则触发的主动消息、提醒或需关注的消息，没有意图可改`, { suggestionId })
      const { text } = renderMemberAnswer(intent.answer, suggestion.memberName)
      const changed = await transitionSuggestion(db, suggestionId, 'pending', {
        status: 'pending',
        intent_id: intent.id,
        matched_intent_id: suggestion.intentId ?? '',
        kind: 'answer',
        text,
      }, deps.suggestions.guard(options))
      if (!changed) throw await deps.suggestions.refusal(suggestionId, options)
      await insertLearnedExample(db, { intentId: intent.id, text: suggestion.question, suggestionId, createdBy: actor, createdAt: clock().toISOString() })
      await appendAudit(db, {
        at: clock(), actor, action: 'suggestion.intent_fixed', subjectType: 'suggestion', subjectId: String(suggestionId),
        detail: { from: suggestion.intentId, to: intent.id, question: suggestion.question },
      })
      // Retrain off the request path; the matcher runtime swaps the matcher atomically when done.
      void deps.knowledge().reload().catch((error: unknown) => deps.logger.error({ err: error }, 'retraining after an intent fix failed'))
      const updated = await deps.suggestions.get(suggestionId)
      deps.suggestions.notify(updated)
      return updated
    },
    async trainingExamples() {
      const rows = await listLearnedExamples(db)
      return rows.map((r) => ({ intentId: r.intent_id, text: r.text }))
    },
    async exportYaml() {
      const rows = await listLearnedExamples(db)
      return formatLearnedYaml(rows.map((r) => ({ intentId: r.intent_id, text: r.text })), deps.knowledge().current().kb, clock())
    },
  }
}
