import type { FastifyInstance } from 'fastify'
import { reportTableCsv, type ReportTable } from '../../reports/to-csv.js'
import type { ReportRange } from '../../reports/report-service.js'
import type { ReportView } from '../contract.js'
import type { HttpServerDeps } from '../http-server-deps.js'

const day = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' } as const
const rangeQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { from: day, to: day, groupId: { type: 'string', minLength: 1, maxLength: 200 } },
} as const
const TABLES: readonly ReportTable[] = ['daily', 'groups', 'rows', 'intents', 'agents', 'unanswered', 'unmatched']

type RangeQuery = { from?: string; to?: string; groupId?: string }

/** Reports as JSON for the charts, and each table as CSV. */
export function registerReportRoutes(app: FastifyInstance, deps: Pick<HttpServerDeps, 'reports' | 'settings'>): void {
  const rangeOf = (q: RangeQuery): ReportRange => {
    const fallback = deps.reports.defaultRange()
    return { from: q.from ?? fallback.from, to: q.to ?? fallback.to, ...(q.groupId ? { groupId: q.groupId } : {}) }
  }
  const build = async (q: RangeQuery) => deps.reports.report(rangeOf(q), { slaMinutes: (await deps.settings.get()).slaMinutes })

  app.get<{ Querystring: RangeQuery }>('/api/reports', { config: { access: 'agent' }, schema: { querystring: rangeQuery } }, async (request): Promise<ReportView> => build(request.query))

  app.get<{ Params: { table: ReportTable }; Querystring: RangeQuery }>('/api/reports/:table.csv', {
    config: { access: 'agent' },
    schema: { params: { type: 'object', required: ['table'], properties: { table: { type: 'string', enum: [...TABLES] } } }, querystring: rangeQuery },
  }, async (request, reply) => {
    const report = await build(request.query)
    const name = `qundesk-${request.params.table}-${report.range.from}_${report.range.to}.csv`
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${name}"`)
      .send(reportTableCsv(report, request.params.table))
  })
}
