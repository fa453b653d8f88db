import type { KnowledgeBase } from '../knowledge/knowledge-base.js'
import type { ScoredIntent } from './intent-matcher.js'

/**
 * Accept when an intent's score reaches this. Chosen by leave-one-out over knowledge examples, never by fitting
 * test questions: hold out each example, retrain, and score it; 0.25 is about the 10th percentile of the scores
 * of held-out examples that still rank first (0.26 on a 54-intent, 4-example FAQ set), so ~90% of answerable
 * paraphrases pass while off-topic text, which shares few characters with any intent, stays below.
 */
const DEFAULT_ACCEPT_THRESHOLD = 0.25
/**
 * `auto_send` intents go out without an agent only at or above this score: about the median score of
 * held-out examples that rank first in the same leave-one-out run, i.e. "as close as a typical paraphrase".
 */
const DEFAULT_AUTO_SEND_THRESHOLD = 0.5
/** For auto-send the runner-up intent must also trail by this much, so near-ties go to an agent. */
const AUTO_SEND_MARGIN = 0.05

export interface IntentDecision {
  decision: 'accept' | 'reject'
  /** The accepted intent (the best-ranked one), null when rejected. */
  intent: ScoredIntent | null
  /** Accepted AND score >= the auto-send threshold AND clear of the runner-up (used for auto_send intents). */
  confident: boolean
  /** The ranking decided on, best first. */
  top: readonly ScoredIntent[]
  /** The accept threshold that applied. */
  threshold: number
  /**
   * Where the accept threshold came from, for `qundesk kb test`: `intent <id>`, `matching:` or `default`, then
   * ` + group <match>` when the group has a band.
   */
  bands: string
}

/** Where the question was asked: a `matching.groups` band applies when its `match` is the group's id or name. */
export interface DecisionGroup {
  id: string
  name?: string | undefined
}

/**
 * Decides what the bot does with a matcher's ranking. The best intent is accepted when its score reaches the
 * accept threshold, and is confident (an `auto_send` intent may go out without an agent) when it also reaches
 * the auto-send threshold and leads the runner-up by AUTO_SEND_MARGIN. Both thresholds are the best intent's own
 * (`threshold`, `auto_send_threshold`), else the global `matching:` band, else the defaults, and the group's band
 * raises them when it is stricter. Pure, so the bot, `qundesk kb test` and `qundesk kb eval` decide alike.
 *
 * @example
 * decideIntent(await matcher.match('客服几点下班'), kb, { id: 'r1@chatroom', name: 'VIP客户群' })
 * // { decision: 'accept', intent: { intentId: 'service.hours', score: 0.71 }, confident: false,
 * //   threshold: 0.35, bands: 'default + group VIP客户群', top: [...] }
 */
export function decideIntent(top: readonly ScoredIntent[], kb: Pick<KnowledgeBase, 'get' | 'bands'>, group?: DecisionGroup): IntentDecision {
  const best = top[0]
  const intent = best ? kb.get(best.intentId) : undefined
  const global = kb.bands.global
  const groupBand = group ? kb.bands.groups.find((g) => g.match === group.id || g.match === group.name) : undefined
  const threshold = Math.max(intent?.threshold ?? global.suggest ?? DEFAULT_ACCEPT_THRESHOLD, groupBand?.suggest ?? 0)
  const autoSend = Math.max(intent?.autoSendThreshold ?? global.autoSend ?? DEFAULT_AUTO_SEND_THRESHOLD, groupBand?.autoSend ?? 0, threshold)
  const bands = [intent?.threshold !== undefined ? `intent ${intent.id}` : global.suggest !== undefined ? 'matching:' : 'default', ...(groupBand ? [`group ${groupBand.match}`] : [])].join(' + ')
  if (!best || best.score < threshold) return { decision: 'reject', intent: null, confident: false, top, threshold, bands }
  const runnerUp = Math.max(0, ...top.slice(1).map((t) => t.score))
  const confident = best.score >= autoSend && best.score - runnerUp >= AUTO_SEND_MARGIN
  return { decision: 'accept', intent: best, confident, top, threshold, bands }
}
