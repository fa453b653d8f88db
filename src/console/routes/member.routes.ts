import { basename } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { QunDeskError } from '../../core/errors.js'
import type { DistributionView, GroupView, MemberDetailView, MemberPage, RetagView, TagsView, WaitingTagActionView } from '../contract.js'
import type { HttpServerDeps } from '../http-server-deps.js'
import { actorOf } from '../identity.js'
import { finiteInteger } from './finite-integer.js'

// Tag names are at most 30 characters (rules and manual tags alike); ids and group ids come from the platforms.
const tagName = { type: 'string', minLength: 1, maxLength: 30 } as const
const groupId = { type: 'string', minLength: 1, maxLength: 200 } as const
const memberParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', minLength: 1, maxLength: 200 } } } as const
/** Filters may arrive empty (`?tag=` from a form): empty means "no filter". */
const optional = (maxLength: number) => ({ type: 'string', maxLength }) as const

interface ListQuery { tag?: string; lifecycle?: string; groupId?: string; q?: string; includeLeft?: boolean; limit?: number; offset?: number }

/**
 * The member directory and tags: lists and filters, one member's page, manual tags (agents), the tag distribution
 * over time, and an admin's full re-tag. Rule tags are computed; only manual tags are added or removed here (the
 * tagging service answers 404 when the member is not in that group).
 */
export function registerMemberRoutes(app: FastifyInstance, deps: Pick<HttpServerDeps, 'members' | 'tagging' | 'tagActions' | 'audit' | 'clock'>): void {
  const agent = { access: 'agent' } as const
  const { members: directory, tagging } = deps

  app.get<{ Querystring: ListQuery }>('/api/members', {
    config: agent,
    schema: {
      querystring: {
        type: 'object', additionalProperties: false,
        properties: {
          tag: optional(30), lifecycle: optional(30), groupId: optional(200), q: optional(64),
          includeLeft: { type: 'boolean' },
          limit: finiteInteger({ minimum: 1, maximum: 200 }),
          offset: finiteInteger({ minimum: 0, maximum: 1_000_000 }),
        },
      },
    },
  }, async (request): Promise<MemberPage> => {
    const { tag, lifecycle, groupId: group, q, includeLeft, limit, offset } = request.query
    return directory.list({
      ...(tag ? { tag } : {}), ...(lifecycle ? { lifecycle } : {}), ...(group ? { groupId: group } : {}), ...(q?.trim() ? { q: q.trim() } : {}),
      ...(includeLeft ? { includeLeft } : {}), limit: limit ?? 50, offset: offset ?? 0,
    })
  })

  app.get<{ Params: { id: string } }>('/api/members/:id', { config: agent, schema: { params: memberParams } }, async (request): Promise<MemberDetailView> => directory.get(request.params.id))

  // PIPL access and deletion rights: admins only (an API token is an agent, so integrations cannot erase anyone).
  app.get<{ Params: { id: string } }>('/api/members/:id/export', { config: { access: 'admin' }, schema: { params: memberParams } }, async (request, reply) => {
    const data = await directory.privacy.exportData(request.params.id, actorOf(request.identity))
    const file = `member-${request.params.id.replace(/[^\w.-]/g, '_')}.json`
    return reply
      .header('content-disposition', `attachment; filename="${file}"; filename*=UTF-8''${encodeURIComponent(file)}`)
      .header('cache-control', 'no-store')
      .type('application/json; charset=utf-8')
      .send(JSON.stringify(data, null, 2))
  })

  app.delete<{ Params: { id: string } }>('/api/members/:id', { config: { access: 'admin' }, schema: { params: memberParams } }, async (request) =>
    directory.privacy.erase(request.params.id, actorOf(request.identity)))

  app.post<{ Params: { id: string }; Body: { groupId: string; tag: string } }>('/api/members/:id/tags', {
    config: agent,
    schema: {
      params: memberParams,
      body: { type: 'object', required: ['groupId', 'tag'], additionalProperties: false, properties: { groupId, tag: tagName } },
    },
  }, async (request): Promise<MemberDetailView> => {
    const { id } = request.params
    await tagging.addManualTag({ groupId: request.body.groupId, memberId: id, tag: request.body.tag, actor: actorOf(request.identity) })
    return directory.get(id)
  })

  app.delete<{ Params: { id: string; tag: string }; Querystring: { groupId: string } }>('/api/members/:id/tags/:tag', {
    config: agent,
    schema: {
      params: { type: 'object', required: ['id', 'tag'], properties: { ...memberParams.properties, tag: tagName } },
      querystring: { type: 'object', required: ['groupId'], additionalProperties: false, properties: { groupId } },
    },
  }, async (request): Promise<MemberDetailView> => {
    const { id, tag } = request.params
    await tagging.removeManualTag({ groupId: request.query.groupId, memberId: id, tag, actor: actorOf(request.identity) })
    return directory.get(id)
  })

  app.get<{ Querystring: { groupId?: string } }>('/api/tags', {
    config: agent,
    schema: { querystring: { type: 'object', additionalProperties: false, properties: { groupId: optional(200) } } },
  }, async (request): Promise<TagsView> => {
    const rules = tagging.rules()
    return {
      /** False when no rules are loaded: nothing is tagged automatically. */
      enabled: rules !== undefined,
      tags: await directory.tags(request.query.groupId || undefined),
      ruleTags: (rules?.tags ?? []).map((t) => ({ id: t.id, when: t.when, description: t.description ?? null, source: `${basename(t.source.file)}:${t.source.line}` })),
      lifecycle: rules?.lifecycle ?? [],
      manualTags: rules?.manualTags ?? [],
    }
  })

  app.get<{ Querystring: { days?: number } }>('/api/tags/distribution', {
    config: agent,
    schema: { querystring: { type: 'object', additionalProperties: false, properties: { days: finiteInteger({ minimum: 1, maximum: 366 }) } } },
  }, async (request): Promise<DistributionView> => {
    const days = request.query.days ?? 30
    return { days, rows: await directory.distribution(days) }
  })

  app.get('/api/tag-actions/waiting', { config: agent }, async (): Promise<WaitingTagActionView[]> => (await deps.tagActions?.waiting()) ?? [])

  app.get('/api/groups', { config: agent }, async (): Promise<GroupView[]> => directory.groups())

  app.post('/api/tags/retag', { config: { access: 'admin' } }, async (request): Promise<RetagView> => {
    if (!tagging.rules()) throw new QunDeskError('bad_request', '没有加载标签规则（规则文件夹不存在或没有规则），无法重新计算标签')
    const started = deps.clock()
    const summary = await tagging.retagAll()
    await deps.audit.record({ at: started, actor: actorOf(request.identity), action: 'tags.retag', subjectType: 'tags', subjectId: 'all', detail: { ...summary } })
    return summary
  })
}
