import type { FastifyInstance } from 'fastify'
import { MEMBER_BODY, MEMBERS_BODY } from '../pages/member-pages.js'
import { ADMIN_BODY, AUDIT_BODY, QUEUE_BODY, REPORTS_BODY } from '../pages/page-bodies.js'
import { renderLoginPage, renderPage, type PageName } from '../pages/render-page.js'

const PAGES: Array<{ url: string; page: PageName; title: string; body: string; access: 'agent' | 'admin'; scripts?: string[]; nav?: PageName }> = [
  { url: '/', page: 'queue', title: '工作台', body: QUEUE_BODY, access: 'agent' },
  { url: '/reports', page: 'reports', title: '报表', body: REPORTS_BODY, access: 'agent', scripts: ['/assets/chart.umd.min.js'] },
  { url: '/members', page: 'members', title: '成员', body: MEMBERS_BODY, access: 'agent', scripts: ['/assets/chart.umd.min.js'] },
  { url: '/members/:id', page: 'member', nav: 'members', title: '成员详情', body: MEMBER_BODY, access: 'agent' },
  { url: '/audit', page: 'audit', title: '审计日志', body: AUDIT_BODY, access: 'admin' },
  { url: '/admin', page: 'admin', title: '用户与设置', body: ADMIN_BODY, access: 'admin' },
]

/** Server-rendered page shells. Pages are for logged-in users only (an API token is not a browser login). */
export function registerPageRoutes(app: FastifyInstance): void {
  for (const p of PAGES) {
    app.get(p.url, { config: { access: p.access } }, async (request, reply) => {
      const identity = request.identity
      if (identity?.kind !== 'session') return reply.redirect(`/login?next=${encodeURIComponent(request.url)}`)
      return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(renderPage({ ...p, identity }))
    })
  }

  app.get<{ Querystring: { next?: string | string[] } }>('/login', { config: { access: 'public' } }, async (request, reply) => {
    // `?next=a&next=b` arrives as an array: anything but one string means the default.
    const next = typeof request.query.next === 'string' ? request.query.next : '/'
    // Only same-site paths: an attacker's ?next=https://evil must not turn login into an open redirect.
    const safeNext = next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : '/'
    return reply.type('text/html; charset=utf-8').send(renderLoginPage({ next: safeNext }))
  })
}
