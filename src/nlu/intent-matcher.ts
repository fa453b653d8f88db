import type { KnowledgeBase } from '../knowledge/knowledge-base.js'
import { buildLexicalIndex } from './lexical-index.js'
import type { LexicalDocument } from './lexical-index.js'
import { AUTO_SEND_MARGIN, CENTROID_CAP, DEFAULT_ACCEPT_THRESHOLD, DEFAULT_AUTO_SEND_THRESHOLD, LEXICAL_SHARE, VIEW_WEIGHTS } from './matcher-settings.js'
import { trainNeuralScorer } from './neural-scorer.js'
import { normalizeText } from './normalize-text.js'
import { extractFeatures } from './text-features.js'
import { getChineseDictionary } from './zh-dictionary.js'

export interface ScoredIntent {
  intentId: string
  /**
   * In [0,1], comparable across intents and knowledge bases; thresholds apply to it directly. `top` is ordered
   * by the matcher's ranking evidence, so a runner-up can occasionally show a slightly higher score.
   */
  score: number
}

export interface MatchResult {
  decision: 'accept' | 'reject'
  /** The accepted intent, null when rejected. */
  intent: ScoredIntent | null
  /** Accepted AND score >= the auto-send band AND clear of the runner-up (used for auto_send intents). */
  confident: boolean
  /** Best first, up to 3. */
  top: ScoredIntent[]
  /** The accept threshold that applied (the best intent's own `threshold`, else the default). */
  threshold: number
}

export interface IntentMatcher {
  match(text: string): Promise<MatchResult>
  readonly intentCount: number
}

export interface TrainOptions {
  /** Agent-corrected questions (learning loop); entries for intents no longer in the KB are ignored. */
  extraExamples?: ReadonlyArray<{ intentId: string; text: string }>
  /** Overrides DEFAULT_ACCEPT_THRESHOLD (e.g. from config). */
  acceptThreshold?: number
  /** Overrides DEFAULT_AUTO_SEND_THRESHOLD. */
  autoSendThreshold?: number
}

const TOP_N = 3

/**
 * Trains a matcher for a knowledge base. Intents are ranked by blending lexical evidence (TF-IDF cosine over
 * characters, bigrams, pinyin and words, against each intent's centroid and nearest example) with node-nlp's
 * classifier; the score that thresholds apply to is that blend capped by the centroid cosine. Everything is
 * bounded, so an off-topic question scores low everywhere and is rejected, unlike node-nlp's normalised
 * scores where some intent always looks likely.
 *
 * @example
 * const matcher = await trainIntentMatcher(kb)
 * const result = await matcher.match('我的快递到哪了')
 * if (result.decision === 'accept') console.log(result.intent?.intentId, result.confident)
 */
export async function trainIntentMatcher(kb: KnowledgeBase, options: TrainOptions = {}): Promise<IntentMatcher> {
  const dictionary = getChineseDictionary()
  const intents = kb.intents
  const indexOf = new Map(intents.map((intent, i) => [intent.id, i]))
  const texts: Array<{ intent: number; text: string }> = []
  const seen = new Set<string>()
  const addText = (intent: number, text: string) => {
    const normalized = normalizeText(text)
    const key = `${intent}\u0000${normalized}`
    if (normalized === '' || seen.has(key)) return
    seen.add(key)
    texts.push({ intent, text: normalized })
  }
  intents.forEach((intent, i) => intent.examples.forEach((example) => addText(i, example)))
  for (const extra of options.extraExamples ?? []) {
    const i = indexOf.get(extra.intentId)
    if (i !== undefined) addText(i, extra.text)
  }

  const docs: LexicalDocument[] = texts.map(({ intent, text }) => ({ intent, features: extractFeatures(text, dictionary) }))
  const lexical = buildLexicalIndex(docs, intents.length, VIEW_WEIGHTS)
  // Yield once so a retrain in a running bot does not hold the event loop for the whole build.
  await new Promise<void>((resolve) => setImmediate(resolve))
  const neural = trainNeuralScorer(texts, intents.length)

  // Without node-nlp (very large KBs) the lexical part carries the whole blend, so scores keep their scale.
  const lexicalShare = neural.active ? LEXICAL_SHARE : 1
  const acceptDefault = options.acceptThreshold ?? DEFAULT_ACCEPT_THRESHOLD
  const autoSendBand = options.autoSendThreshold ?? DEFAULT_AUTO_SEND_THRESHOLD
  const thresholds = intents.map((intent) => intent.threshold ?? acceptDefault)

  const matchNow = (text: string): MatchResult => {
    const normalized = normalizeText(text)
    if (normalized === '' || intents.length === 0) {
      return { decision: 'reject', intent: null, confident: false, top: [], threshold: acceptDefault }
    }
    const { centroid, nearest } = lexical.score(extractFeatures(normalized, dictionary))
    const activation = neural.score(normalized)
    const ranked: Ranked[] = []
    for (let i = 0; i < intents.length; i++) {
      const evidence = lexicalShare * ((centroid[i]! + nearest[i]!) / 2) + (1 - lexicalShare) * activation[i]!
      if (evidence > 0) insertTop(ranked, { index: i, evidence, score: Math.min(evidence, CENTROID_CAP * centroid[i]!) })
    }
    const top = ranked.map((r) => ({ intentId: intents[r.index]!.id, score: round(r.score) }))
    const best = top[0]
    const threshold = best ? thresholds[indexOf.get(best.intentId)!]! : acceptDefault
    if (!best || best.score < threshold) return { decision: 'reject', intent: null, confident: false, top, threshold }
    const runnerUp = Math.max(0, ...top.slice(1).map((t) => t.score))
    const confident = best.score >= Math.max(autoSendBand, threshold) && best.score - runnerUp >= AUTO_SEND_MARGIN
    return { decision: 'accept', intent: best, confident, top, threshold }
  }

  return {
    intentCount: intents.length,
    match: async (text) => matchNow(text),
  }
}

interface Ranked {
  index: number
  /** Blend of all evidence: best at telling similar intents apart. */
  evidence: number
  /** Evidence capped by the centroid fit: best at telling on-topic from off-topic. */
  score: number
}

/** Keeps `top` sorted by evidence, best first, with at most TOP_N entries; ties keep KB order. */
function insertTop(top: Ranked[], candidate: Ranked): void {
  if (top.length === TOP_N && candidate.evidence <= top[TOP_N - 1]!.evidence) return
  let at = top.length
  while (at > 0 && top[at - 1]!.evidence < candidate.evidence) at--
  top.splice(at, 0, candidate)
  if (top.length > TOP_N) top.pop()
}

/** Four decimals keeps logs and API answers readable and makes equal scores compare equal. */
function round(score: number): number {
  return Math.round(Math.min(1, Math.max(0, score)) * 10000) / 10000
}
