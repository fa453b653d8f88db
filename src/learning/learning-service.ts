import fs from 'node:fs/promises'
import path from 'node:path'
import { stringify } from 'yaml'
import type { Clock } from '../core/clock.js'
import { QunDeskError } from '../core/errors.js'
import type { Logger } from '../core/logger.js'
import type { KnowledgeBase } from '../knowledge/knowledge-base.js'
import { renderMemberAnswer } from '../knowledge/render-answer.js'
import { clusterQuestions, MAX_CLUSTERED_QUESTIONS } from '../nlu/cluster-questions.js'
import type { MatcherRuntime } from '../nlu/matcher-runtime.js'
import { normalizeText } from '../nlu/normalize-text.js'
import { getChineseDictionary } from '../nlu/zh-dictionary.js'
import { confirmsIntent, decideCandidate, MAX_PENDING_CANDIDATES, type CandidateSource } from './candidate-rules.js'
import { formatLearnedYaml } from './format-learned-yaml.js'
import { addLearnedExample, LEARNED_FILE, toExampleText } from './learned-yaml.js'
import { appendAudit } from '../storage/audit.repository.js'
import type { Db } from '../storage/create-db.js'
import { deleteLearnedExample, insertLearnedExample, listLearnedExamples } from '../storage/learned-example.repository.js'
import { countLearningCandidates, deleteLearningCandidates, findLearningCandidate, insertLearningCandidate, listLearningCandidates } from '../storage/learning-candidate.repository.js'
import { listUnmatchedQuestions, transitionSuggestion } from '../storage/suggestion.repository.js'
import type { Decision, SuggestionService } from '../suggestions/suggestion-service.js'
import type { Suggestion } from '../suggestions/suggestion.js'

export interface LearningCandidate {
  id: number
  intentId: string
  intentExists: boolean
  text: string
  source: CandidateSource
  suggestionId: number | null
  proposedBy: string
  createdAt: string
}

export interface KnowledgeGap {
  draftId: string
  count: number
  questions: string[]
  yaml: string
}

/** Distinct questions a draft intent lists at most, and drafts returned at most. */
const GAP_EXAMPLES = 10
const MAX_GAPS = 30

export interface LearningService {
  /**
   * "Wrong intent": stores the question as an example of the right intent (it trains at once, in the background),
   * redrafts the pending suggestion with that intent's answer, and proposes the question as a candidate for
   * knowledge/learned.yaml.
   */
  fixIntent(suggestionId: number, options: Decision & { intentId: string }): Promise<Suggestion>
  /** A decided suggestion: if an agent sent the draft unchanged, its question becomes a candidate for its intent. */
  onDecided(suggestion: Suggestion): Promise<void>
  /** Listens to the queue for sent-as-drafted replies; returns the unsubscribe. */
  start(): () => void
  candidates(limit?: number): Promise<{ candidates: LearningCandidate[]; total: number }>
  /** Writes the candidate into knowledge/learned.yaml (audited), deletes it, and reloads the knowledge. */
  accept(id: number, actor: string): Promise<{ file: string; intentId: string; text: string; reloaded: boolean }>
  /** Drops the candidate (audited); a fix's example leaves training too: the admin has the last word. */
  discard(id: number, actor: string): Promise<void>
  /** Unmatched questions of the last `days` days, grouped into draft intents. */
  gaps(days: number): Promise<{ days: number; questions: number; gaps: KnowledgeGap[] }>
  /** Learned examples for training, limited to intents that still exist. */
  trainingExamples(): Promise<Array<{ intentId: string; text: string }>>
  /** The learned examples as YAML an admin can merge into knowledge/. */
  exportYaml(): Promise<string>
}

/** Every example the matcher trains on, normalised: the knowledge files (learned.yaml merged in) and fixes in training. */
function knownExamples(kb: KnowledgeBase, learned: ReadonlyArray<{ text: string }>): Set<string> {
  const known = new Set<string>()
  for (const intent of kb.intents) for (const e of intent.examples) known.add(normalizeText(e))
  for (const e of learned) known.add(normalizeText(e.text))
  return known
}

/**
 * The learning loop: agents' decisions propose questions (学习候选), admins accept them into knowledge/learned.yaml.
 *
 * @example
 * const learning = createLearningService({ db, clock, logger, knowledge, suggestions, knowledgeDir: 'knowledge' })
 * const stop = learning.start()
 * await learning.fixIntent(12, { intentId: 'invoice.request', actor: '小王' })
 * await learning.accept(1, 'admin')
 */
export function createLearningService(deps: { db: Db; clock: Clock; logger: Logger; knowledge: () => MatcherRuntime; suggestions: SuggestionService; knowledgeDir: string }): LearningService {
  const { db, clock } = deps
  const log = deps.logger.child({ component: 'learning' })
  // Accepts in this process write learned.yaml one at a time (read, edit, write must not interleave).
  let writing: Promise<unknown> = Promise.resolve()

  async function propose(input: { intentId: string; text: string; source: CandidateSource; suggestionId: number; memberId: string | null; proposedBy: string }, learned?: ReadonlyArray<{ text: string }>): Promise<void> {
    const kb = deps.knowledge().current().kb
    const pending = (await listLearningCandidates(db, MAX_PENDING_CANDIDATES + 1)).map((r) => ({ id: r.id, intentId: r.intent_id, text: r.text, source: r.source }))
    const decision = decideCandidate({ intentId: input.intentId, text: toExampleText(input.text), source: input.source, knownExamples: knownExamples(kb, learned ?? await listLearnedExamples(db)), pending })
    if (!decision.add) {
      log.debug({ suggestionId: input.suggestionId, reason: decision.reason }, 'not a learning candidate')
      return
    }
    await db.transaction().execute(async (trx) => {
      await deleteLearningCandidates(trx, decision.replaces)
      await insertLearningCandidate(trx, { ...input, text: decision.text, createdAt: clock().toISOString() })
    })
  }

  function toCandidate(row: { id: number; intent_id: string; text: string; source: CandidateSource; suggestion_id: number | null; proposed_by: string; created_at: string }, kb: KnowledgeBase): LearningCandidate {
    return {
      id: row.id, intentId: row.intent_id, intentExists: kb.get(row.intent_id) !== undefined, text: row.text, source: row.source,
      suggestionId: row.suggestion_id, proposedBy: row.proposed_by, createdAt: row.created_at,
    }
  }

  async function takeCandidate(id: number) {
    const row = await findLearningCandidate(db, id)
    if (!row) throw new QunDeskError('not_found', `学习候选 #${id} 不存在（可能已被其他管理员处理）`, { candidateId: id })
    return row
  }

  const service: LearningService = {
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
      // Decided against what trained before this fix, so the fix's own example does not count as a duplicate.
      const learnedBefore = await listLearnedExamples(db)
      await insertLearnedExample(db, { intentId: intent.id, text: toExampleText(suggestion.question), suggestionId, createdBy: actor, createdAt: clock().toISOString() })
      await appendAudit(db, {
        at: clock(), actor, action: 'suggestion.intent_fixed', subjectType: 'suggestion', subjectId: String(suggestionId),
        detail: { from: suggestion.intentId, to: intent.id, question: suggestion.question },
      })
      await propose({ intentId: intent.id, text: suggestion.question, source: 'fix', suggestionId, memberId: suggestion.memberId, proposedBy: actor }, learnedBefore)
        .catch((error: unknown) => log.error({ err: error, suggestionId }, 'proposing a learning candidate failed'))
      // Retrain off the request path; the matcher runtime swaps the matcher atomically when done.
      void deps.knowledge().reload().catch((error: unknown) => log.error({ err: error }, 'retraining after an intent fix failed'))
      const updated = await deps.suggestions.get(suggestionId)
      deps.suggestions.notify(updated)
      return updated
    },

    async onDecided(suggestion) {
      if (!confirmsIntent(suggestion) || !suggestion.intentId) return
      await propose({ intentId: suggestion.intentId, text: suggestion.question, source: 'sent', suggestionId: suggestion.id, memberId: suggestion.memberId, proposedBy: suggestion.decidedBy ?? '' })
    },

    start() {
      return deps.suggestions.subscribe((event) => {
        // Another instance's send is proposed by that instance (the unique index would drop a second one anyway).
        if (event.remote || event.suggestion.status !== 'sent') return
        service.onDecided(event.suggestion).catch((error: unknown) => log.error({ err: error, suggestionId: event.suggestion.id }, 'proposing a learning candidate failed'))
      })
    },

    async candidates(limit = 200) {
      const kb = deps.knowledge().current().kb
      const rows = await listLearningCandidates(db, limit)
      return { candidates: rows.map((r) => toCandidate(r, kb)), total: await countLearningCandidates(db) }
    },

    async accept(id, actor) {
      const run = writing.then(async () => {
        const row = await takeCandidate(id)
        const kb = deps.knowledge().current().kb
        if (!kb.get(row.intent_id)) throw new QunDeskError('bad_request', `意图 ${row.intent_id} 已不在知识库中，只能丢弃这条候选`, { candidateId: id })
        const file = path.join(deps.knowledgeDir, LEARNED_FILE)
        const at = clock()
        const origin = row.suggestion_id === null ? '' : `，来自建议 #${row.suggestion_id}`
        const how = row.source === 'fix' ? `坐席 ${row.proposed_by} 纠正意图` : `坐席 ${row.proposed_by} 按原稿发送`
        const provenance = `${at.toISOString()} ${actor} 采纳（${how}${origin}，候选 #${row.id}）`
        await db.transaction().execute(async (trx) => {
          // The row is the lock: whoever deletes it accepts; the file is written inside, so a failed write undoes the delete.
          if ((await deleteLearningCandidates(trx, [id])) === 0) throw new QunDeskError('not_found', `学习候选 #${id} 已被其他管理员处理`, { candidateId: id })
          // Once in the file it trains from there: the fix's copy in the database would only be a duplicate.
          if (row.source === 'fix') await deleteLearnedExample(trx, { intentId: row.intent_id, text: row.text })
          await appendAudit(trx, {
            at, actor, action: 'learning.candidate_accepted', subjectType: 'learning_candidate', subjectId: String(id),
            detail: { intentId: row.intent_id, text: row.text, source: row.source, suggestionId: row.suggestion_id, file: LEARNED_FILE },
          })
          const existing = await fs.readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
            if (error.code === 'ENOENT') return undefined
            throw error
          })
          const next = addLearnedExample(existing, { intentId: row.intent_id, text: row.text, provenance })
          const temporary = `${file}.${process.pid}.tmp`
          await fs.writeFile(temporary, next)
          await fs.rename(temporary, file)
        })
        return { file, intentId: row.intent_id, text: row.text }
      })
      writing = run.catch(() => undefined)
      const written = await run
      // The folder watch would reload too; reloading here lets the admin see the result (one reload runs at a time).
      const reload = await deps.knowledge().reload()
      if (!reload.ok) log.error({ problems: reload.problems.length }, `${LEARNED_FILE} was written but the knowledge did not reload`)
      return { file: LEARNED_FILE, intentId: written.intentId, text: written.text, reloaded: reload.ok }
    },

    async discard(id, actor) {
      const row = await takeCandidate(id)
      const removedExample = await db.transaction().execute(async (trx) => {
        if ((await deleteLearningCandidates(trx, [id])) === 0) throw new QunDeskError('not_found', `学习候选 #${id} 已被其他管理员处理`, { candidateId: id })
        const removed = row.source === 'fix' ? await deleteLearnedExample(trx, { intentId: row.intent_id, text: row.text }) : 0
        await appendAudit(trx, {
          at: clock(), actor, action: 'learning.candidate_discarded', subjectType: 'learning_candidate', subjectId: String(id),
          detail: { intentId: row.intent_id, text: row.text, source: row.source, suggestionId: row.suggestion_id },
        })
        return removed > 0
      })
      if (removedExample) void deps.knowledge().reload().catch((error: unknown) => log.error({ err: error }, 'retraining after a discarded fix failed'))
    },

    async gaps(days) {
      const since = new Date(clock().getTime() - days * 86_400_000).toISOString()
      const questions = await listUnmatchedQuestions(db, { since, limit: MAX_CLUSTERED_QUESTIONS })
      const clusters = clusterQuestions(questions, { dictionary: getChineseDictionary(), maxClusters: MAX_GAPS })
      const gaps = clusters.map((c, i) => {
        const draftId = `draft.gap${i + 1}`
        const examples = c.questions.slice(0, GAP_EXAMPLES)
        const yaml = stringify({ intents: [{ id: draftId, examples, answer: '（请填写回答）' }] }, { lineWidth: 0 })
        return { draftId, count: c.count, questions: examples, yaml }
      })
      return { days, questions: questions.length, gaps }
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
  return service
}
