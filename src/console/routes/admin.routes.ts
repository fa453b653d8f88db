import type { FastifyInstance } from 'fastify'
import type { Role } from '../../core/vocabulary.js'
import { describeAuditEntry } from '../../audit/describe-audit-entry.js'
import type { AuditView, SettingsView, UserView } from '../contract.js'
import type { HttpServerDeps } from '../http-server-deps.js'
import { actorOf } from '../identity.js'
import { finiteInteger, rowId } from './finite-integer.js'

const role = { type: 'string', enum: ['agent', 'admin'] } as const

/** Users, settings and the audit log. Reading settings is open to agents (the queue shows the SLA); the rest is admin-only. */
export function registerAdminRoutes(app: FastifyInstance, deps: Pick<HttpServerDeps, 'auth' | 'settings' | 'audit'>): void {
  const admin = { access: 'admin' } as const

  app.get('/api/users', { config: admin }, async (): Promise<UserView[]> => deps.auth.listUsers())

  app.post<{ Body: { name: string; role: Role; password: string } }>('/api/users', {
    config: admin,
    schema: {
      body: {
        type: 'object', required: ['name', 'role', 'password'], additionalProperties: false,
        properties: { name: { type: 'string', minLength: 1, maxLength: 32 }, role, password: { type: 'string', minLength: 1, maxLength: 256 } },
      },
    },
  }, async (request, reply) => {
    const user = await deps.auth.addUser({ ...request.body, actor: actorOf(request.identity) })
    return reply.code(201).send(user)
  })

  app.patch<{ Params: { id: number }; Body: { role?: Role; disabled?: boolean; password?: string } }>('/api/users/:id', {
    config: admin,
    schema: {
      params: { type: 'object', required: ['id'], properties: { id: rowId() } },
      body: {
        type: 'object', additionalProperties: false, minProperties: 1,
        properties: { role, disabled: { type: 'boolean' }, password: { type: 'string', minLength: 1, maxLength: 256 } },
      },
    },
  }, async (request): Promise<UserView> => deps.auth.updateUser(request.params.id, request.body, actorOf(request.identity)))

  app.get<{ Querystring: { limit?: number; before?: number } }>('/api/audit', {
    config: admin,
    schema: { querystring: { type: 'object', additionalProperties: false, properties: { limit: finiteInteger({ minimum: 1, maximum: 1000 }), before: rowId() } } },
  }, async (request): Promise<AuditView[]> => (await deps.audit.list({ ...(request.query.limit ? { limit: request.query.limit } : {}), ...(request.query.before ? { before: request.query.before } : {}) })).map(describeAuditEntry))

  app.get('/api/settings', { config: { access: 'agent' } }, async (): Promise<SettingsView> => deps.settings.get())

  const texts = { type: 'object', maxProperties: 1000, additionalProperties: { type: 'string', maxLength: 1000 } }
  app.put<{ Body: Partial<SettingsView> }>('/api/settings', {
    config: admin,
    schema: {
      body: {
        type: 'object', additionalProperties: false, minProperties: 1,
        properties: {
          slaMinutes: finiteInteger({}), outreachPerGroupPerHour: finiteInteger({}), waitAlertMinutes: finiteInteger({}),
          handoffAck: { type: 'string', maxLength: 1000 }, handoffAckByReason: texts, handoffAckByGroup: texts,
          servedGroups: { type: 'object', maxProperties: 100, additionalProperties: { type: 'array', maxItems: 5000, items: { type: 'string', maxLength: 200 } } },
          aiDraftGroups: { type: 'array', maxItems: 5000, items: { type: 'string', maxLength: 200 } },
        },
      },
    },
  }, async (request): Promise<SettingsView> => deps.settings.update(request.body, actorOf(request.identity)))
}
