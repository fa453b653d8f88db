import type { KnowledgeBase } from '../knowledge/knowledge-base.js'
import type { ScoredIntent } from './intent-matcher.js'

/*
 * The defaults, for a knowledge base without a `matching:` band, come from leave-one-out over knowledge examples,
 * never from test questions (cases.json):
 *
 *   npx qundesk kb calibrate --kb knowledge --kb ../shared/nlu-dev/knowledge-yaml
 *
 * pools the shipped shop knowledge (38 intents, 240 examples) and the nlu-dev knowledge YAML (54 intents, 215
 * examples): every example is held out of a matcher trained without it (listed questions), and every intent is left
 * out while its examples are ranked by the rest (unlisted, in-domain questions: any accept is a false accept). Each is
 * decided by decideIntent at every threshold from 0.05 to 0.95.
 */
/**
 * Accept when an intent's score reaches this: the most accurate threshold at which at most 5% of the unlisted
 * questions are accepted (`--target-false-accept 0.05`). Measured 2026-12-02: 0.49, 18.7% of listed questions right,
 * 3.7% with a wrong intent, unlisted accepted 4.8%. Alone, the shop knowledge gives 0.41 and nlu-dev 0.54.
 */
export const DEFAULT_ACCEPT_THRESHOLD = 0.49
/**
 * `auto_send` intents go out without an agent only at or above this score: the lowest threshold, with the accept
 * threshold above, at which at most 1% of listed questions would be auto-sent with a wrong intent and at most 1% of
 * unlisted ones auto-sent at all (`--target-auto-send-error 0.01`). Measured 2026-12-02: 0.59 (11.0% of listed
 * questions auto-sent right, 0.2% wrong, unlisted 0.9%).
 */
export const DEFAULT_AUTO_SEND_THRESHOLD = 0.59
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
   * Where the accept threshold came from, for `qundesk kb test`: `intent <id>`, `matching:`, `matching.semantic:` or `default`, then
   * ` + group <match>` when the group has a band.
   */
  bands: string
}

export interface DecideOptions {
  /** The ranking was blended with the embedding provider's vectors (`blendRanking`): `matching.semantic` applies. */
  semantic?: boolean
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
 * //   threshold: 0.55, bands: 'default + group VIP客户群', top: [...] }
 */
export function decideIntent(top: readonly ScoredIntent[], kb: Pick<KnowledgeBase, 'get' | 'bands'>, group?: DecisionGroup, options: DecideOptions = {}): IntentDecision {
  const best = top[0]
  const intent = best ? kb.get(best.intentId) : undefined
  // A blended ranking has its own scale: `matching.semantic` replaces the global band when there is one.
  const semanticBand = options.semantic ? kb.bands.semantic : undefined
  const global = semanticBand ?? kb.bands.global
  const groupBand = group ? kb.bands.groups.find((g) => g.match === group.id || g.match === group.name) : undefined
  const threshold = Math.max(intent?.threshold ?? global.suggest ?? DEFAULT_ACCEPT_THRESHOLD, groupBand?.suggest ?? 0)
  const autoSend = Math.max(intent?.autoSendThreshold ?? global.autoSend ?? DEFAULT_AUTO_SEND_THRESHOLD, groupBand?.autoSend ?? 0, threshold)
  const bands = [intent?.threshold !== undefined ? `intent ${intent.id}` : global.suggest !== undefined ? (semanticBand ? 'matching.semantic:' : 'matching:') : 'default', ...(groupBand ? [`group ${groupBand.match}`] : [])].join(' + ')
  if (!best || best.score < threshold) return { decision: 'reject', intent: null, confident: false, top, threshold, bands }
  const runnerUp = Math.max(0, ...top.slice(1).map((t) => t.score))
  const confident = best.score >= autoSend && best.score - runnerUp >= AUTO_SEND_MARGIN
  return { decision: 'accept', intent: best, confident, top, threshold, bands }
}
