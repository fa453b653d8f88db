import type { FastifyInstance, FastifyReply } from 'fastify'
import { QunDeskError } from '../../core/errors.js'
import type { SuggestionStatus } from '../../core/vocabulary.js'
import { answerHints } from '../../suggestions/answer-hints.js'
import type { Suggestion } from '../../suggestions/suggestion.js'
import type { IntentOption, SuggestionConflictBody, SuggestionContextView, SuggestionItem } from '../contract.js'
import type { HttpServerDeps } from '../http-server-deps.js'
import { actorOf } from '../identity.js'
import { finiteInteger, rowId } from './finite-integer.js'

const idParams = { type: 'object', required: ['id'], properties: { id: rowId() } } as const
const actor = { type: 'string', minLength: 1, maxLength: 64 } as const
/** The version the agent saw and the confirmed takeover: see SuggestionDecisionRequest. */
const guarded = { version: finiteInteger({ minimum: 1, maximum: 2_147_483_647 }), takeOver: { type: 'boolean' } } as const

/** A suggestion as the API and the console show it. */
function toListItem(s: Suggestion): SuggestionItem {
  return {
    id: s.id, messageId: s.messageId, groupId: s.groupId, groupName: s.groupName, memberId: s.memberId, memberName: s.memberName,
    question: s.question, kind: s.kind, intentId: s.intentId, score: s.score, text: s.text, status: s.status, createdAt: s.createdAt,
    askedAt: s.askedAt, needsHuman: s.needsHuman, decision: s.decision, decidedBy: s.decidedBy, decidedAt: s.decidedAt,
    finalText: s.finalText, responseMs: s.responseMs, lastError: s.lastError, matchedIntentId: s.matchedIntentId,
    emotionSeverity: s.emotionSeverity, escalationReason: s.escalationReason, escalationDetail: s.escalationDetail,
    version: s.version, claimedBy: s.claimedBy, claimedAt: s.claimedAt, aiDraft: s.aiDraft,
  }
}

/**
 * Runs a decision; a refusal that knows the item as it is now (stale, claimed_by_other, conflict) answers 409 with
 * it, so the console shows what changed without another round trip.
 */
async function answeringConflicts<T>(reply: FastifyReply, work: () => Promise<T>): Promise<T | SuggestionConflictBody> {
  try {
    return await work()
  } catch (error) {
    const current = error instanceof QunDeskError ? (error.context.current as Suggestion | undefined) : undefined
    if (!(error instanceof QunDeskError) || !current) throw error
    reply.code(409)
    return { error: error.code, message: error.message, current: toListItem(current) }
  }
}

/** The approval queue: list, context, send, edit-and-send, reject, wrong-intent fix, sent-by-agent. */
export function registerSuggestionRoutes(app: FastifyInstance, deps: Pick<HttpServerDeps, 'suggestions' | 'learning' | 'knowledge'>): void {
  const agent = { access: 'agent' } as const

  app.get<{ Querystring: { status?: SuggestionStatus; groupId?: string; limit?: number } }>('/api/suggestions', {
    config: agent,
    schema: {
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: {
          status: { type: 'string', enum: ['pending', 'sending', 'sent', 'rejected', 'failed'] },
          groupId: { type: 'string', minLength: 1, maxLength: 200 },
          limit: finiteInteger({ minimum: 1, maximum: 1000 }),
        },
      },
    },
  }, async (request): Promise<SuggestionItem[]> => {
    const { status, groupId, limit } = request.query
    const list = await deps.suggestions.list({ ...(status ? { status } : {}), ...(groupId ? { groupId } : {}), ...(limit ? { limit } : {}) })
    return list.map(toListItem)
  })

  app.get<{ Params: { id: number } }>('/api/suggestions/:id', { config: agent, schema: { params: idParams } }, async (request): Promise<SuggestionItem> =>
    toListItem(await deps.suggestions.get(request.params.id)))

  app.get<{ Params: { id: number } }>('/api/suggestions/:id/context', { config: agent, schema: { params: idParams } }, async (request): Promise<SuggestionContextView> => {
    const context = await deps.suggestions.context(request.params.id)
    const s = context.suggestion
    let hints: SuggestionContextView['hints'] = []
    if (s.kind === 'needs_human' && s.intentId === null && (s.status === 'pending' || s.status === 'failed')) {
      // Ranked again with the knowledge of now: after an edit the hint shows the answer as it reads today.
      const { kb, matcher } = deps.knowledge().current()
      hints = answerHints(await matcher.match(s.question), kb, s.memberName, { id: s.groupId, name: s.groupName })
    }
    return { ...context, suggestion: toListItem(s), history: context.history.map(toListItem), hints }
  })

  app.post<{ Params: { id: number }; Body: { takeOver?: boolean } | undefined }>('/api/suggestions/:id/claim', {
    config: agent,
    schema: { params: idParams, body: { type: ['object', 'null'], additionalProperties: false, properties: { takeOver: guarded.takeOver } } },
  }, async (request, reply) => answeringConflicts(reply, async (): Promise<SuggestionItem> =>
    toListItem(await deps.suggestions.claim(request.params.id, { actor: actorOf(request.identity), takeOver: request.body?.takeOver === true }))))

  app.post<{ Params: { id: number }; Body: { text?: string; actor?: string; version?: number; takeOver?: boolean } | undefined }>('/api/suggestions/:id/send', {
    config: agent,
    schema: {
      params: idParams,
      body: { type: ['object', 'null'], additionalProperties: false, properties: { text: { type: 'string', minLength: 1, maxLength: 4000 }, actor, ...guarded } },
    },
  }, async (request, reply) => answeringConflicts(reply, async () => {
    const body = request.body ?? {}
    const after = await deps.suggestions.send(request.params.id, { actor: actorOf(request.identity, body.actor), version: body.version, takeOver: body.takeOver, ...(body.text !== undefined ? { text: body.text } : {}) })
    // 202: queued in the outbox (paced, retrying, or the account is offline); live updates report the outcome.
    if (after.status === 'sending') reply.code(202)
    return { status: after.status, ...(after.lastError ? { lastError: after.lastError } : {}) }
  }))

  app.post<{ Params: { id: number }; Body: { reason?: string; actor?: string; version?: number; takeOver?: boolean } | undefined }>('/api/suggestions/:id/reject', {
    config: agent,
    schema: {
      params: idParams,
      body: { type: ['object', 'null'], additionalProperties: false, properties: { reason: { type: 'string', maxLength: 500 }, actor, ...guarded } },
    },
  }, async (request, reply) => answeringConflicts(reply, async () => {
    const body = request.body ?? {}
    await deps.suggestions.reject(request.params.id, { actor: actorOf(request.identity, body.actor), version: body.version, takeOver: body.takeOver, ...(body.reason !== undefined ? { reason: body.reason } : {}) })
    return { status: 'rejected' }
  }))

  app.post<{ Params: { id: number }; Body: { intentId: string; actor?: string; version?: number; takeOver?: boolean } }>('/api/suggestions/:id/fix-intent', {
    config: agent,
    schema: {
      params: idParams,
      body: { type: 'object', required: ['intentId'], additionalProperties: false, properties: { intentId: { type: 'string', minLength: 1, maxLength: 200 }, actor, ...guarded } },
    },
  }, async (request, reply) => answeringConflicts(reply, async (): Promise<SuggestionItem> => {
    const body = request.body
    return toListItem(await deps.learning.fixIntent(request.params.id, { intentId: body.intentId, actor: actorOf(request.identity, body.actor), version: body.version, takeOver: body.takeOver }))
  }))

  app.post<{ Params: { id: number }; Body: { text: string; via?: string; version?: number; takeOver?: boolean } }>('/api/suggestions/:id/mark-sent', {
    config: agent,
    schema: {
      params: idParams,
      body: { type: 'object', required: ['text'], additionalProperties: false, properties: { text: { type: 'string', minLength: 1, maxLength: 4000 }, via: { type: 'string', enum: ['wecom-sidebar', 'manual'] }, ...guarded } },
    },
  }, async (request, reply) => answeringConflicts(reply, async () => {
    const body = request.body
    await deps.suggestions.markSent(request.params.id, { actor: actorOf(request.identity), text: body.text, via: body.via ?? 'manual', version: body.version, takeOver: body.takeOver })
    return { status: 'sent' }
  }))

  app.get('/api/intents', { config: agent }, async (): Promise<IntentOption[]> =>
    deps.knowledge().current().kb.intents.map((i) => ({ id: i.id, ...(i.name ? { name: i.name } : {}), example: i.examples[0] ?? '', autoSend: i.autoSend })))
}
