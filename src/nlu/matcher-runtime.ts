import fs from 'node:fs'
import type { Logger } from '../core/logger.js'
import { watchYamlFolder, type FolderWatch } from '../core/yaml/watch-yaml-folder.js'
import { QunDeskError } from '../core/errors.js'
import type { KnowledgeBase } from '../knowledge/knowledge-base.js'
import { createKnowledgeFileCache } from '../knowledge/knowledge-file-cache.js'
import { formatProblem, loadKnowledge, type KnowledgeProblem } from '../knowledge/load-knowledge.js'
import type { IntentMatcher } from './intent-matcher.js'
import { lintKnowledge, type KnowledgeLintReport } from './lint-knowledge.js'
import { createPreparedTextCache } from './prepared-text-cache.js'
import { trainIntentMatcherInWorker } from './train-in-worker.js'

export interface LoadedKnowledge {
  kb: KnowledgeBase
  matcher: IntentMatcher
  /** Increments on every successful (re)load. */
  version: number
  /** Agents' intent fixes the matcher was trained with besides the knowledge's examples (the embedding provider embeds them too). */
  extraExamples: ReadonlyArray<{ intentId: string; text: string }>
  loadedAt: Date
}

/** The last edit that did not load (the bot answers with the last good version meanwhile). */
export interface KnowledgeLoadError {
  problems: KnowledgeProblem[]
  at: Date
}

/** `kb lint` for the version in use: computed once per version, in the background. */
export type KnowledgeLintState =
  | { status: 'running'; version: number }
  | { status: 'ready'; version: number; report: KnowledgeLintReport }
  | { status: 'failed'; version: number; error: string }

export type ReloadResult = { ok: true; version: number; intents: number } | { ok: false; problems: KnowledgeProblem[] }

export interface MatcherRuntime {
  /** First load; throws `knowledge_invalid` listing every problem, since there is no last good version yet. */
  start(): Promise<LoadedKnowledge>
  /** The knowledge base and matcher in use now. */
  current(): LoadedKnowledge
  /** Loads and trains again; on any problem keeps answering with the last good version. */
  reload(): Promise<ReloadResult>
  /** The problems of the last reload when it failed and nothing has loaded since; undefined once a reload succeeds. */
  loadError(): KnowledgeLoadError | undefined
  /**
   * The lint of the version in use; the first call for a version starts it (matchers trained in the worker, so
   * messages keep flowing) and answers `running` until it is done.
   */
  lint(): KnowledgeLintState
  /** Reloads when a file in the folder changes (debounced). */
  watch(): void
  stop(): void
}

/**
 * Holds the knowledge base in use and the matcher trained on it (in a worker), and swaps both atomically: a new
 * version is loaded, validated and trained off to the side, and only replaces the current one when all succeed,
 * so a bad edit never takes the bot down.
 *
 * @example
 * const knowledge = createMatcherRuntime({ dir: 'knowledge', logger })
 * await knowledge.start(); knowledge.watch()
 * const { kb, matcher } = knowledge.current()
 * decideIntent(await matcher.match('我的快递到哪了'), kb)
 */
export function createMatcherRuntime(deps: {
  dir: string; logger: Logger; debounceMs?: number; extraExamples?: () => Promise<ReadonlyArray<{ intentId: string; text: string }>>
  /** Called with each version once it is in use (start and every successful reload), e.g. to embed its examples. */
  onLoaded?: (loaded: LoadedKnowledge) => void
}): MatcherRuntime {
  const log = deps.logger.child({ knowledgeDir: deps.dir })
  let loaded: LoadedKnowledge | undefined
  let watcher: FolderWatch | undefined
  let reloading: Promise<ReloadResult> | undefined
  let again = false
  let lastError: KnowledgeLoadError | undefined
  let lintState: KnowledgeLintState | undefined
  let stopped = false
  // What the last load and training made of each file and example, so a reload after an edit redoes only the
  // edited file's part; both are pure, so the result equals a cold start on the same files.
  const parse = createKnowledgeFileCache()
  const cache = createPreparedTextCache()

  async function build(): Promise<ReloadResult & { next?: LoadedKnowledge; ms?: { load: number; train: number } }> {
    const started = performance.now()
    const result = await loadKnowledge(deps.dir, { parse })
    if (!result.ok) return { ok: false, problems: result.problems }
    for (const warning of result.warnings) log.warn({ problem: formatProblem(warning) }, 'knowledge warning')
    const extraExamples = deps.extraExamples ? await deps.extraExamples() : []
    const loadedMs = performance.now()
    // Off the main thread, so messages keep flowing during a retrain (start measured as fast as in-process:
    // the worker boots while the main thread compiles its dictionary).
    const matcher = await trainIntentMatcherInWorker(result.kb, { extraExamples, cache })
    const next: LoadedKnowledge = { kb: result.kb, matcher, version: (loaded?.version ?? 0) + 1, loadedAt: new Date(), extraExamples }
    // Logged with each version, so an operator sees where a slow reload went (issue 19).
    const ms = { load: Math.round(loadedMs - started), train: Math.round(performance.now() - loadedMs) }
    return { ok: true, version: next.version, intents: result.kb.intents.length, next, ms }
  }

  async function reloadOnce(): Promise<ReloadResult> {
    const result = await build()
    if (!result.ok) {
      for (const problem of result.problems) log.error({ problem: formatProblem(problem) }, 'knowledge edit rejected; still answering with the last good version')
      lastError = { problems: result.problems, at: new Date() }
      return { ok: false, problems: result.problems }
    }
    loaded = result.next
    lastError = undefined
    log.info({ version: result.version, intents: result.intents, ms: result.ms }, 'knowledge reloaded')
    deps.onLoaded?.(result.next!)
    return { ok: true, version: result.version, intents: result.intents }
  }

  async function reload(): Promise<ReloadResult> {
    // One reload at a time; edits that land meanwhile trigger exactly one more.
    if (reloading) {
      again = true
      return reloading
    }
    reloading = (async () => {
      let result: ReloadResult
      do {
        again = false
        result = await reloadOnce()
      } while (again)
      return result
    })().finally(() => {
      reloading = undefined
    })
    return reloading
  }

  return {
    async start() {
      const result = await build()
      if (!result.ok) {
        throw new QunDeskError('knowledge_invalid', `知识库 ${deps.dir} 有问题：\n${result.problems.map(formatProblem).join('\n')}`, {
          problems: result.problems,
        })
      }
      loaded = result.next!
      log.info({ intents: result.intents, ms: result.ms }, 'knowledge loaded')
      deps.onLoaded?.(loaded)
      return loaded
    },
    current() {
      if (!loaded) throw new QunDeskError('internal', 'matcher runtime used before start()')
      return loaded
    },
    reload,
    loadError: () => lastError,
    lint() {
      const current = loaded
      if (!current) throw new QunDeskError('internal', 'matcher runtime used before start()')
      if (lintState?.version === current.version) return lintState
      const version = current.version
      const state: KnowledgeLintState = { status: 'running', version }
      lintState = state
      // Reads the files again for the warnings' lines: they may have changed since, then the intent's line is shown.
      // After stop() no further fold is trained, so a lint in flight does not outlive the bot by many seconds.
      const train = (kb: KnowledgeBase) => (stopped ? Promise.reject(new Error('knowledge runtime stopped')) : trainIntentMatcherInWorker(kb))
      void lintKnowledge(current.kb, { train, fileText: readFileOrUndefined }).then(
        (report) => {
          if (lintState === state) lintState = { status: 'ready', version, report }
        },
        (error: unknown) => {
          if (!stopped) log.error({ err: error }, 'knowledge lint failed')
          if (lintState === state) lintState = { status: 'failed', version, error: (error as Error)?.message ?? String(error) }
        },
      )
      return state
    },
    watch() {
      // A reload that throws (not a broken file, which is a problem result) must not become an unhandled rejection.
      watcher ??= watchYamlFolder(deps.dir, () => void reload().catch((error: unknown) => log.error({ err: error }, 'knowledge reload failed; still answering with the last good version')), { logger: log, what: 'knowledge', ...(deps.debounceMs !== undefined ? { debounceMs: deps.debounceMs } : {}) })
    },
    stop() {
      stopped = true
      watcher?.close()
      watcher = undefined
    },
  }
}

function readFileOrUndefined(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8')
  } catch {
    return undefined
  }
}
