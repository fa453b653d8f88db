import type { EmbeddingsConfig } from '../config/read-embeddings-config.js'
import type { Clock } from '../core/clock.js'
import type { Logger } from '../core/logger.js'
import type { KnowledgeBase } from '../knowledge/knowledge-base.js'
import { blendRanking, buildExampleVectors, type ExampleVectors } from '../nlu/embedding-blend.js'
import { embeddingExampleTexts, embeddingQuestionText } from '../nlu/embedding-texts.js'
import { questionNormalizer, type ScoredIntent } from '../nlu/intent-matcher.js'
import { normalizeText } from '../nlu/normalize-text.js'
import type { Db } from '../storage/create-db.js'
import { embeddingTextHash, findCachedVectors, insertCachedVectors } from '../storage/embedding-cache.repository.js'
import { createCircuitBreaker, type BreakerState } from './circuit-breaker.js'
import { createEmbeddingMetrics, type EmbeddingsStatus } from './embedding-metrics.js'
import { createEmbeddingsClient, type EmbeddingsClient } from './embeddings-client.js'
import { EmbeddingsError } from './embeddings-error.js'

export interface SemanticHelp {
  /**
   * The ranking blended with the provider's vectors, or undefined when the offline ranking stands (the provider
   * failed, is resting, or did not answer within the timeout). Never throws, and resolves within the timeout
   * whatever the provider does.
   */
  rank(kb: KnowledgeBase, question: string, lexical: readonly ScoredIntent[]): Promise<readonly ScoredIntent[] | undefined>
  /**
   * Embeds the knowledge's examples (and the agents' fixes the matcher was trained with) not cached yet, so the first
   * question after a (re)load need not wait; never throws.
   */
  prepare(kb: KnowledgeBase, extraExamples?: ReadonlyArray<{ intentId: string; text: string }>): Promise<boolean>
  status(): EmbeddingsStatus
  /** Abandons requests in flight and asks nothing more (shutdown); `rank` then keeps the offline ranking. */
  stop(): void
}

const vectorHashers = new WeakMap<KnowledgeBase, (text: string) => string[]>()

/**
 * For erasure: every cache key under which a customer's text may hold a question vector, as `createSemanticHelp`
 * computes them: as a question (its analysed part) and as an agent's intent fix (the whole text), each normalised with
 * this knowledge's synonyms and with none (a vector cached before synonyms that rewrite the text were added). A text
 * cached under synonyms since removed or changed is not found; retention deletes it by age.
 *
 * @example
 * const hashes = questionVectorHashes(knowledge.current().kb)('我的快递到哪了')
 */
export function questionVectorHashes(kb: KnowledgeBase): (text: string) => string[] {
  let hasher = vectorHashers.get(kb)
  if (!hasher) {
    const normalize = questionNormalizer(kb)
    hasher = (text) => {
      const forms = new Set([embeddingQuestionText(normalize, text), normalize(text), embeddingQuestionText(normalizeText, text), normalizeText(text)])
      forms.delete('')
      return [...forms].map(embeddingTextHash)
    }
    vectorHashers.set(kb, hasher)
  }
  return hasher
}

/** Failures in a row that open the breaker, and how long it stays open before one trial request. */
export const BREAKER_FAILURES = 3
export const BREAKER_COOL_DOWN_MS = 30_000

/**
 * The optional semantic help (issue 18): vectors from an OpenAI-compatible embedding provider, cached in the
 * database by model and text hash, blended into the matcher's ranking by the pure `blendRanking`. The knowledge's
 * example vectors are built once per knowledge version (only uncached texts are requested); each question's vector
 * is requested (or read from the cache) per message. Everything that can go wrong ends in `undefined` from `rank`,
 * so the pipeline decides with the offline matcher exactly as without a provider, and it is counted.
 *
 * @example
 * const semantic = createSemanticHelp({ config: config.embeddings, db, clock, logger })
 * const top = (await semantic.rank(kb, '包裹到哪儿了', await matcher.match('包裹到哪儿了'))) ?? lexicalTop
 */
export function createSemanticHelp(deps: {
  config: EmbeddingsConfig; db: Db; clock: Clock; logger: Logger
  /** Tests may pass their own (its requests are then not counted); by default a fetch client on config. */
  client?: EmbeddingsClient
  breaker?: { failureThreshold: number; coolDownMs: number }
}): SemanticHelp {
  const { config, db, clock } = deps
  const log = deps.logger.child({ component: 'embeddings', model: config.model })
  const metrics = createEmbeddingMetrics(clock)
  const client = deps.client ?? createEmbeddingsClient({ config, onRequest: (outcome) => metrics.request(outcome) })
  const breaker = createCircuitBreaker({
    failureThreshold: deps.breaker?.failureThreshold ?? BREAKER_FAILURES,
    coolDownMs: deps.breaker?.coolDownMs ?? BREAKER_COOL_DOWN_MS,
    now: clock,
    onChange: (state: BreakerState) => {
      if (state === 'open') log.warn({ lastError: metrics.snapshot(breakerView(), config.model).lastError }, 'embedding provider failing: questions are matched offline only until it answers again')
      else if (state === 'closed') log.info('embedding provider answering again: questions are matched with its help')
    },
  })
  // Aborted at stop(), so a request in flight does not outlive the bot (nor write to a closed database).
  const stopping = new AbortController()
  const breakerView = () => ({ state: breaker.state(), consecutiveFailures: breaker.consecutiveFailures(), openedAt: breaker.openedAt()?.toISOString() ?? null })
  // Per knowledge version (the runtime swaps the KnowledgeBase object on reload, so old ones are collected).
  const examples = new WeakMap<KnowledgeBase, Promise<ExampleVectors>>()
  const normalizers = new WeakMap<KnowledgeBase, (text: string) => string>()
  // The agents' fixes each version was trained with, so a retry after a failed load embeds them again.
  const extras = new WeakMap<KnowledgeBase, ReadonlyArray<{ intentId: string; text: string }>>()
  const normalizerOf = (kb: KnowledgeBase) => {
    let n = normalizers.get(kb)
    if (!n) normalizers.set(kb, (n = questionNormalizer(kb)))
    return n
  }

  /**
   * Vectors of normalised texts, from the cache where it has them, else from the provider (then cached). With
   * `dimension`, an answer of another dimension is a provider failure and is not cached (it would fail every time).
   */
  async function vectorsOf(texts: readonly string[], kind: 'example' | 'question', dimension?: number): Promise<Float32Array[]> {
    const hashes = texts.map(embeddingTextHash)
    const cached = await findCachedVectors(db, config.model, hashes)
    metrics.cacheHits(texts.filter((_, i) => cached.has(hashes[i]!)).length)
    const missing = [...new Map(texts.map((text, i) => [hashes[i]!, text] as const).filter(([hash]) => !cached.has(hash)))]
    if (missing.length > 0) {
      if (!breaker.tryAcquire()) {
        metrics.skipped()
        throw new EmbeddingsError('breaker_open', 'embedding provider resting after repeated failures')
      }
      let fetched: Float32Array[]
      try {
        fetched = await client.embed(missing.map(([, text]) => text), { signal: stopping.signal })
        const wrong = dimension === undefined ? undefined : fetched.find((v) => v.length !== dimension)
        if (wrong) {
          const error = new EmbeddingsError('malformed', `embedding provider answered ${wrong.length} dimensions, the knowledge's examples have ${dimension} (another model behind the same name?)`)
          metrics.failure(error)
          throw error
        }
        breaker.succeeded()
      } catch (error) {
        if (!stopping.signal.aborted) breaker.failed()
        throw error
      }
      const createdAt = clock().toISOString()
      missing.forEach(([hash], i) => cached.set(hash, fetched[i]!))
      // A cache write that fails costs a request next time, nothing more.
      await insertCachedVectors(db, missing.map(([hash], i) => ({ model: config.model, textHash: hash, kind, vector: fetched[i]!, createdAt })))
        .catch((error: unknown) => log.warn({ err: error }, 'could not cache embedding vectors'))
    }
    const vectors = hashes.map((hash) => cached.get(hash)!)
    const first = vectors[0]?.length
    if (vectors.some((v) => v.length !== (dimension ?? first))) throw new EmbeddingsError('malformed', `vectors of different dimensions for model ${config.model} (cached under another dimension? the model behind the name changed): clear embedding_cache for it`)
    return vectors
  }

  function exampleVectors(kb: KnowledgeBase): Promise<ExampleVectors> {
    let pending = examples.get(kb)
    if (pending) return pending
    // The same texts `kb test` / `kb eval` embed (embeddingExampleTexts), so their figures are the bot's.
    const { examples: entries, fixes } = embeddingExampleTexts(kb, normalizerOf(kb), extras.get(kb))
    pending = (async () => {
      const vectors = await vectorsOf(entries.map((e) => e.text), 'example')
      // A fix is a customer's question: cached as one, so retention and erasure delete its vector like the fix itself.
      const fixVectors = fixes.length === 0 ? [] : await vectorsOf(fixes.map((e) => e.text), 'question', vectors[0]?.length)
      return buildExampleVectors(kb.intents.map((intent) => intent.id), [
        ...entries.map((e, j) => ({ intent: e.intent, vector: vectors[j]! })),
        ...fixes.map((e, j) => ({ intent: e.intent, vector: fixVectors[j]! })),
      ])
    })()
    examples.set(kb, pending)
    // A failed load is remembered for one cool-down (questions meanwhile fall back at once, without reading the cache
    // for every example again), then forgotten so a later question tries again.
    const coolDownMs = deps.breaker?.coolDownMs ?? BREAKER_COOL_DOWN_MS
    pending.catch(() => {
      setTimeout(() => {
        if (examples.get(kb) === pending) examples.delete(kb)
      }, coolDownMs).unref()
    })
    return pending
  }

  async function blend(kb: KnowledgeBase, question: string, lexical: readonly ScoredIntent[]): Promise<ScoredIntent[] | undefined> {
    const text = embeddingQuestionText(normalizerOf(kb), question)
    if (text === '' || kb.intents.length === 0 || stopping.signal.aborted) return undefined
    // Examples first (already in memory after the first question of a version), so the question's vector is checked
    // against their dimension before it is cached.
    const vectors = await exampleVectors(kb)
    const [q] = await vectorsOf([text], 'question', vectors.dimension)
    return blendRanking(lexical, q!, vectors, config.weight)
  }

  return {
    async rank(kb, question, lexical) {
      let timer: NodeJS.Timeout | undefined
      const late = new Promise<'late'>((resolve) => {
        timer = setTimeout(() => resolve('late'), config.timeoutMs)
      })
      const work = blend(kb, question, lexical)
      // The work goes on after a timeout (its vectors are cached for next time); its failure is then only logged.
      work.catch(() => undefined)
      try {
        const result = await Promise.race([work, late])
        if (result === 'late') {
          metrics.fallback()
          log.debug({ timeoutMs: config.timeoutMs }, 'embedding provider too slow for this question: matched offline')
          return undefined
        }
        if (result === undefined) return undefined
        metrics.blended()
        return result
      } catch (error) {
        metrics.fallback()
        log.debug({ err: error }, 'embedding provider failed for this question: matched offline')
        if (!(error instanceof EmbeddingsError)) log.warn({ err: error }, 'semantic ranking failed unexpectedly: matched offline')
        return undefined
      } finally {
        clearTimeout(timer)
      }
    },
    async prepare(kb, extraExamples) {
      if (stopping.signal.aborted) return false
      if (extraExamples && extraExamples.length > 0) extras.set(kb, extraExamples)
      try {
        await exampleVectors(kb)
        return true
      } catch (error) {
        if (!stopping.signal.aborted) log.warn({ err: error }, 'could not embed the knowledge\'s examples: questions are matched offline until the provider answers')
        return false
      }
    },
    status: () => metrics.snapshot(breakerView(), config.model),
    stop: () => stopping.abort(),
  }
}
