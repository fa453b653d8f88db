import type { FastifyInstance } from 'fastify'
import type { KnowledgeGapsView, LearningAcceptView, LearningCandidatesView } from '../contract.js'
import type { HttpServerDeps } from '../http-server-deps.js'
import { actorOf } from '../identity.js'
import { finiteInteger, rowId } from './finite-integer.js'

const idParams = { type: 'object', required: ['id'], properties: { id: rowId() } } as const

/** 学习候选 (accept into knowledge/learned.yaml, or discard) and 知识缺口 (unmatched questions grouped): admin-only. */
export function registerLearningRoutes(app: FastifyInstance, deps: Pick<HttpServerDeps, 'learning'>): void {
  const admin = { access: 'admin' } as const

  app.get<{ Querystring: { limit?: number } }>('/api/learning/candidates', {
    config: admin,
    schema: { querystring: { type: 'object', additionalProperties: false, properties: { limit: finiteInteger({ minimum: 1, maximum: 500 }) } } },
  }, async (request): Promise<LearningCandidatesView> => deps.learning.candidates(request.query.limit ?? 200))

  app.post<{ Params: { id: number } }>('/api/learning/candidates/:id/accept', { config: admin, schema: { params: idParams } }, async (request): Promise<LearningAcceptView> =>
    deps.learning.accept(request.params.id, actorOf(request.identity)))

  app.post<{ Params: { id: number } }>('/api/learning/candidates/:id/discard', { config: admin, schema: { params: idParams } }, async (request): Promise<{ ok: true }> => {
    await deps.learning.discard(request.params.id, actorOf(request.identity))
    return { ok: true }
  })

  app.get<{ Querystring: { days?: number } }>('/api/learning/gaps', {
    config: admin,
    schema: { querystring: { type: 'object', additionalProperties: false, properties: { days: finiteInteger({ minimum: 1, maximum: 90 }) } } },
  }, async (request): Promise<KnowledgeGapsView> => deps.learning.gaps(request.query.days ?? 7))
}
