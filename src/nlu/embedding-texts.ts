import { analyzedText } from '../core/text-limits.js'
import type { KnowledgeBase } from '../knowledge/knowledge-base.js'
import { blendRanking, buildExampleVectors, type Vector } from './embedding-blend.js'
import { questionNormalizer, type ScoredIntent } from './intent-matcher.js'

/**
 * The text a customer's question is embedded (and cached) as: its analysed part, normalised with the knowledge's
 * synonyms. One definition for the bot (`createSemanticHelp`) and `kb test` / `kb eval`, so they send the provider
 * the same text and get the same vector. Empty when nothing is left to embed (the bot then keeps the offline ranking).
 *
 * @example
 * embeddingQuestionText(questionNormalizer(kb), '我的快递到哪了？') // '我的快递到哪了'
 */
export function embeddingQuestionText(normalize: (text: string) => string, question: string): string {
  return normalize(analyzedText(question))
}

/** A text to embed for the knowledge's example vectors, with the index of its intent in `kb.intents`. */
export interface ExampleText {
  intent: number
  text: string
}

/**
 * The knowledge's examples, and the agents' fixes the matcher was trained with, as the provider is sent them:
 * normalised, empty ones dropped, each (intent, text) once, fixes for intents no longer in the knowledge ignored
 * (like the matcher's training). Fixes are kept apart because the bot caches them as questions (erasure deletes them).
 *
 * @example
 * const { examples, fixes } = embeddingExampleTexts(kb, questionNormalizer(kb), learned)
 */
export function embeddingExampleTexts(
  kb: Pick<KnowledgeBase, 'intents'>, normalize: (text: string) => string, extraExamples: ReadonlyArray<{ intentId: string; text: string }> = [],
): { examples: ExampleText[]; fixes: ExampleText[] } {
  const examples: ExampleText[] = []
  const fixes: ExampleText[] = []
  const seen = new Set<string>()
  const add = (list: ExampleText[], i: number, example: string) => {
    const text = normalize(example)
    if (text === '' || seen.has(`${i}\u0000${text}`)) return
    seen.add(`${i}\u0000${text}`)
    list.push({ intent: i, text })
  }
  kb.intents.forEach((intent, i) => intent.examples.forEach((example) => add(examples, i, example)))
  const indexOf = new Map(kb.intents.map((intent, i) => [intent.id, i]))
  for (const extra of extraExamples) {
    const i = indexOf.get(extra.intentId)
    if (i !== undefined) add(fixes, i, extra.text)
  }
  return { examples, fixes }
}

/** The embedding provider as the offline tools see it: the CLI passes its client's `embed` and QUNDESK_EMBEDDINGS_WEIGHT. */
export interface SemanticBlend {
  /** The vectors of these normalised texts, in order (one dimension for all). */
  embed(texts: readonly string[]): Promise<Vector[]>
  /** The semantic share of the blended score. */
  weight: number
}

/**
 * Embeds the knowledge's examples (and fixes) and the given questions in one pass, then returns, per question, the
 * blended ranking exactly as the running bot computes it (`blendRanking` with the same texts and weight), or
 * undefined where the bot keeps the offline ranking and decides without `matching.semantic` (nothing left of the
 * question to embed, or a knowledge without intents). One `embed` call, so the client's dimension check covers
 * examples and questions alike. Errors of `embed` propagate: a tool run should fail loudly, not report offline
 * figures as blended ones. Pure but for `embed`.
 *
 * @example
 * const blend = await prepareSemanticBlend(kb, cases.map((c) => c.text), { embed: (t) => client.embed(t), weight: 0.5 })
 * const top = blend(0, await matcher.match(cases[0].text)) ?? lexical
 */
export async function prepareSemanticBlend(
  kb: KnowledgeBase, questions: readonly string[], semantic: SemanticBlend,
  extraExamples: ReadonlyArray<{ intentId: string; text: string }> = [],
): Promise<(question: number, lexical: readonly ScoredIntent[]) => ScoredIntent[] | undefined> {
  if (kb.intents.length === 0) return () => undefined
  const normalize = questionNormalizer(kb)
  const { examples, fixes } = embeddingExampleTexts(kb, normalize, extraExamples)
  const known = [...examples, ...fixes]
  const questionTexts = questions.map((q) => embeddingQuestionText(normalize, q))
  // Each distinct question text asked once (eval files repeat questions across groups).
  const distinct = [...new Set(questionTexts.filter((t) => t !== ''))]
  const vectors = await semantic.embed([...known.map((e) => e.text), ...distinct])
  const exampleVectors = buildExampleVectors(kb.intents.map((intent) => intent.id), known.map((e, j) => ({ intent: e.intent, vector: vectors[j]! })))
  const questionVector = new Map(distinct.map((text, j) => [text, vectors[known.length + j]!]))
  return (question, lexical) => {
    const vector = questionVector.get(questionTexts[question] ?? '')
    return vector ? blendRanking(lexical, vector, exampleVectors, semantic.weight) : undefined
  }
}
