import type { FastifyInstance } from 'fastify'
import { fillQuickReply } from '../../settings/quick-replies.js'
import type { QuickReplyView } from '../contract.js'
import type { HttpServerDeps } from '../http-server-deps.js'
import { actorOf } from '../identity.js'
import { rowId } from './finite-integer.js'

const body = {
  type: 'object', required: ['title', 'text'], additionalProperties: false,
  properties: { title: { type: 'string', maxLength: 100 }, text: { type: 'string', maxLength: 2000 } },
} as const
const idParams = { type: 'object', required: ['id'], properties: { id: rowId() } } as const

/** 常用语: agents read them (filled for the item they are answering); admins keep them. */
export function registerQuickReplyRoutes(app: FastifyInstance, deps: Pick<HttpServerDeps, 'quickReplies' | 'suggestions' | 'clock' | 'utcOffsetMinutes'>): void {
  const admin = { access: 'admin' } as const
  const agent = { access: 'agent' } as const

  app.get('/api/quick-replies', { config: agent }, async (): Promise<QuickReplyView[]> => deps.quickReplies.list())

  app.get<{ Params: { id: number } }>('/api/suggestions/:id/quick-replies', { config: agent, schema: { params: idParams } }, async (request): Promise<QuickReplyView[]> => {
    const item = await deps.suggestions.get(request.params.id)
    const now = deps.clock()
    return (await deps.quickReplies.list()).map((q) => ({ ...q, text: fillQuickReply(q.text, item, now, deps.utcOffsetMinutes) }))
  })

  app.post<{ Body: { title: string; text: string } }>('/api/quick-replies', { config: admin, schema: { body } }, async (request, reply): Promise<QuickReplyView> => {
    reply.code(201)
    return deps.quickReplies.add(request.body, actorOf(request.identity))
  })

  app.put<{ Params: { id: number }; Body: { title: string; text: string } }>('/api/quick-replies/:id', { config: admin, schema: { params: idParams, body } }, async (request): Promise<QuickReplyView> =>
    deps.quickReplies.update(request.params.id, request.body, actorOf(request.identity)))

  app.delete<{ Params: { id: number } }>('/api/quick-replies/:id', { config: admin, schema: { params: idParams } }, async (request): Promise<{ ok: true }> => {
    await deps.quickReplies.remove(request.params.id, actorOf(request.identity))
    return { ok: true }
  })
}
