import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify'
import { QunDeskError } from '../core/errors.js'
import type { Logger } from '../core/logger.js'
import type { SuggestionService } from '../suggestions/suggestion-service.js'
import { isAuthorizedBearer } from './bearer-auth.js'
import { HTTP_STATUS } from './http-errors.js'

export interface HttpServerDeps {
  logger: Logger
  apiToken?: string
  suggestions: SuggestionService
  health: () => { loggedIn: boolean; intents: number }
}

const idParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'integer', minimum: 1 } },
} as const

/**
 * The HTTP API (and, later, the agent console) on Fastify. Every /api route requires the bearer token.
 *
 * @example
 * const app = createHttpServer({ logger, apiToken, suggestions, health })
 * await app.listen({ host: '127.0.0.1', port: 3000 })
 */
export function createHttpServer(deps: HttpServerDeps): FastifyInstance {
  const app = Fastify({
    loggerInstance: deps.logger.child({ component: 'http' }) as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 64 * 1024,
  })

  app.addHook('onRequest', async (request, reply) => {
    if (!request.url.startsWith('/api/')) return
    if (!isAuthorizedBearer(request.headers.authorization, deps.apiToken)) {
      return reply.code(401).header('www-authenticate', 'Bearer').send({
        error: 'unauthorized',
        message: deps.apiToken ? '需要有效的 Authorization: Bearer <QUNDESK_API_TOKEN>' : '接口未启用：请设置 QUNDESK_API_TOKEN',
      })
    }
  })

  app.setErrorHandler((error, request, reply) => {
    if (error instanceof QunDeskError) {
      const status = HTTP_STATUS[error.code]
      if (status >= 500) request.log.error({ err: error }, 'request failed')
      return reply.code(status).send({ error: error.code, message: error.message })
    }
    const validation = (error as { validation?: unknown }).validation
    const status = (error as { statusCode?: number }).statusCode
    if (validation || (status && status >= 400 && status < 500)) {
      return reply.code(status ?? 400).send({ error: 'bad_request', message: (error as Error).message })
    }
    request.log.error({ err: error }, 'unexpected error')
    return reply.code(500).send({ error: 'internal', message: '服务器内部错误' })
  })

  app.get('/api/health', async () => {
    const { loggedIn, intents } = deps.health()
    return { status: 'ok', loggedIn, intents }
  })

  app.get<{ Querystring: { status?: 'pending' | 'sending' | 'sent' | 'rejected'; limit?: number } }>('/api/suggestions', {
    schema: {
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: {
          status: { type: 'string', enum: ['pending', 'sending', 'sent', 'rejected'] },
          limit: { type: 'integer', minimum: 1, maximum: 1000 },
        },
      },
    },
  }, async (request) => {
    const { status, limit } = request.query
    const list = await deps.suggestions.list({ ...(status ? { status } : {}), ...(limit ? { limit } : {}) })
    return list.map((s) => ({
      id: s.id,
      groupId: s.groupId,
      groupName: s.groupName,
      memberId: s.memberId,
      memberName: s.memberName,
      question: s.question,
      intentId: s.intentId,
      score: s.score,
      text: s.text,
      status: s.status,
      createdAt: s.createdAt,
      needsHuman: s.needsHuman,
      decision: s.decision,
      decidedBy: s.decidedBy,
      decidedAt: s.decidedAt,
      finalText: s.finalText,
      responseMs: s.responseMs,
      lastError: s.lastError,
    }))
  })

  app.get<{ Params: { id: number } }>('/api/suggestions/:id', { schema: { params: idParams } }, async (request) => deps.suggestions.get(request.params.id))

  app.post<{ Params: { id: number }; Body: { text?: string; actor?: string } | undefined }>('/api/suggestions/:id/send', {
    schema: {
      params: idParams,
      body: {
        type: ['object', 'null'],
        additionalProperties: false,
        properties: { text: { type: 'string', minLength: 1, maxLength: 4000 }, actor: { type: 'string', minLength: 1, maxLength: 64 } },
      },
    },
  }, async (request) => {
    const body = request.body ?? {}
    await deps.suggestions.send(request.params.id, { actor: apiActor(body.actor), ...(body.text !== undefined ? { text: body.text } : {}) })
    return { status: 'sent' }
  })

  app.post<{ Params: { id: number }; Body: { reason?: string; actor?: string } | undefined }>('/api/suggestions/:id/reject', {
    schema: {
      params: idParams,
      body: {
        type: ['object', 'null'],
        additionalProperties: false,
        properties: { reason: { type: 'string', maxLength: 500 }, actor: { type: 'string', minLength: 1, maxLength: 64 } },
      },
    },
  }, async (request) => {
    const body = request.body ?? {}
    await deps.suggestions.reject(request.params.id, { actor: apiActor(body.actor), ...(body.reason !== undefined ? { reason: body.reason } : {}) })
    return { status: 'rejected' }
  })

  return app
}

/** Integrations may say on whose behalf they act; it is recorded as such, never as a console user. */
function apiActor(actor: string | undefined): string {
  return actor ? `api:${actor}` : 'api'
}
