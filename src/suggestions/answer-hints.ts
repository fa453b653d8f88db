import type { KnowledgeBase } from '../knowledge/knowledge-base.js'
import { renderMemberAnswer } from '../knowledge/render-answer.js'
import { decideIntent, type DecisionGroup } from '../nlu/decide-intent.js'
import type { ScoredIntent } from '../nlu/intent-matcher.js'

/** A knowledge answer offered to the agent for a question the bot did not answer (below the accept threshold). */
export interface AnswerHint {
  intentId: string
  score: number
  /** The intent's answer, rendered for the member as a draft would be. */
  answer: string
}

/**
 * Hints scoring at least this share of the accept threshold are shown. Calibrated thresholds keep the bot's own
 * "I don't know" honest (at most 5% of unlisted questions accepted); a paraphrase that falls short is usually still
 * ranked right, and an agent can tell at a glance, so the near misses are offered — labelled, never sent by the bot.
 */
const HINT_SHARE_OF_THRESHOLD = 0.5
const MAX_HINTS = 3

/**
 * The knowledge answers an agent may start from when the bot handed the question over for want of a match: the
 * ranking's intents below the accept threshold but within reach of it, best first. Empty when the bot accepted
 * an intent (the suggestion already carries its answer) or nothing comes close. Pure.
 *
 * @example
 * answerHints(await matcher.match('我的order到哪了'), kb, '张三', { id: 'r1@chatroom' })
 * // [{ intentId: 'logistics.track', score: 0.405, answer: '张三您好，查物流请打开…' }]
 */
export function answerHints(top: readonly ScoredIntent[], kb: Pick<KnowledgeBase, 'get' | 'bands'>, memberName: string, group?: DecisionGroup): AnswerHint[] {
  const decision = decideIntent(top, kb, group)
  if (decision.decision === 'accept') return []
  const hints: AnswerHint[] = []
  for (const candidate of top) {
    const intent = kb.get(candidate.intentId)
    if (!intent || candidate.score < HINT_SHARE_OF_THRESHOLD * decision.threshold) continue
    hints.push({ intentId: intent.id, score: candidate.score, answer: renderMemberAnswer(intent.answer, memberName).text })
    if (hints.length === MAX_HINTS) break
  }
  return hints
}
