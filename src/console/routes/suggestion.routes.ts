import type { FastifyInstance } from 'fastify'
import type { SuggestionStatus } from '../../core/vocabulary.js'
import type { Suggestion } from '../../suggestions/suggestion.js'
import type { IntentOption, SuggestionContextView, SuggestionItem } from '../contract.js'
import type { HttpServerDeps } from '../http-server-deps.js'
import { actorOf } from '../identity.js'
import { finiteInteger, rowId } from './finite-integer.js'

const idParams = { type: 'object', required: ['id'], properties: { id: rowId() } } as const
const actor = { type: 'string', minLength: 1, maxLength: 64 } as const

/** A suggestion as the API and the console show it. */
function toListItem(s: Suggestion): SuggestionItem {
  return {
    id: s.id, messageId: s.messageId, groupId: s.groupId, groupName: s.groupName, memberId: s.memberId, memberName: s.memberName,
    question: s.question, kind: s.kind, intentId: s.intentId, score: s.score, text: s.text, status: s.status, createdAt: s.createdAt,
    askedAt: s.askedAt, needsHuman: s.needsHuman, decision: s.decision, decidedBy: s.decidedBy, decidedAt: s.decidedAt,
    finalText: s.finalText, responseMs: s.responseMs, lastError: s.lastError, matchedIntentId: s.matchedIntentId,
    emotionSeverity: s.emotionSeverity, escalationReason: s.escalationReason, escalationDetail: s.escalationDetail,
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
    return { ...context, suggestion: toListItem(context.suggestion), history: context.history.map(toListItem) }
  })

  app.post<{ Params: { id: number }; Body: { text?: string; actor?: string } | undefined }>('/api/suggestions/:id/send', {
    config: agent,
    schema: {
      params: idParams,
      body: { type: ['object', 'null'], additionalProperties: false, properties: { text: { type: 'string', minLength: 1, maxLength: 4000 }, actor } },
    },
  }, async (request, reply) => {
    const body = request.body ?? {}
    const after = await deps.suggestions.send(request.params.id, { actor: actorOf(request.identity, body.actor), ...(body.text !== undefined ? { text: body.text } : {}) })
    // 202: queued in the outbox (paced, retrying, or the account is offline); live updates report the outcome.
    if (after.status === 'sending') reply.code(202)
    return { status: after.status, ...(after.lastError ? { lastError: after.lastError } : {}) }
  })

  app.post<{ Params: { id: number }; Body: { reason?: string; actor?: string } | undefined }>('/api/suggestions/:id/reject', {
    config: agent,
    schema: {
      params: idParams,
      body: { type: ['object', 'null'], additionalProperties: false, properties: { reason: { type: 'string', maxLength: 500 }, actor } },
    },
  }, async (request) => {
    const body = request.body ?? {}
    await deps.suggestions.reject(request.params.id, { actor: actorOf(request.identity, body.actor), ...(body.reason !== undefined ? { reason: body.reason } : {}) })
    return { status: 'rejected' }
  })

  app.post<{ Params: { id: number }; Body: { intentId: string; actor?: string } }>('/api/suggestions/:id/fix-intent', {
    config: agent,
    schema: {
      params: idParams,
      body: { type: 'object', required: ['intentId'], additionalProperties: false, properties: { intentId: { type: 'string', minLength: 1, maxLength: 200 }, actor } },
    },
  }, async (request): Promise<SuggestionItem> => toListItem(await deps.learning.fixIntent(request.params.id, { intentId: request.body.intentId, actor: actorOf(request.identity, request.body.actor) })))

  app.post<{ Params: { id: number }; Body: { text: string; via?: string } }>('/api/suggestions/:id/mark-sent', {
    config: agent,
    schema: {
      params: idParams,
      body: { type: 'object', required: ['text'], additionalProperties: false, properties: { text: { type: 'string', minLength: 1, maxLength: 4000 }, via: { type: 'string', enum: ['wecom-sidebar', 'manual'] } } },
    },
  }, async (request) => {
    await deps.suggestions.markSent(request.params.id, { actor: actorOf(request.identity), text: request.body.text, via: request.body.via ?? 'manual' })
    return { status: 'sent' }
  })

  app.get('/api/intents', { config: agent }, async (): Promise<IntentOption[]> =>
    deps.knowledge().current().kb.intents.map((i) => ({ id: i.id, example: i.examples[0] ?? '', autoSend: i.autoSend })))
}
