import type { FastifyInstance } from 'fastify'
import type { HttpServerDeps } from '../http-server-deps.js'
import { ADMIN_PAGE } from '../pages/admin.page.js'
import { AUDIT_PAGE } from '../pages/audit.page.js'
import { KNOWLEDGE_PAGE } from '../pages/knowledge.page.js'
import { safeNextPath } from '../pages/login.ids.js'
import { renderLoginPage } from '../pages/login.page.js'
import { PASSWORD_PAGE_URL } from '../pages/password.ids.js'
import { renderPasswordPage } from '../pages/password.page.js'
import { MEMBER_PAGE } from '../pages/member.page.js'
import { MEMBERS_PAGE } from '../pages/members.page.js'
import { QUEUE_PAGE } from '../pages/queue.page.js'
import { REPORTS_PAGE } from '../pages/reports.page.js'
import { renderPage, type PageDefinition } from '../pages/render-page.js'

const PAGES: PageDefinition[] = [QUEUE_PAGE, REPORTS_PAGE, MEMBERS_PAGE, MEMBER_PAGE, KNOWLEDGE_PAGE, AUDIT_PAGE, ADMIN_PAGE]

/** Server-rendered page shells. Pages are for logged-in users only (an API token is not a browser login). */
export function registerPageRoutes(app: FastifyInstance, deps: Pick<HttpServerDeps, 'utcOffsetMinutes'>): void {
  for (const p of PAGES) {
    app.get(p.url, { config: { access: p.access } }, async (request, reply) => {
      const identity = request.identity
      if (identity?.kind !== 'session') return reply.redirect(`/login?next=${encodeURIComponent(request.url)}`)
      return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(renderPage({ ...p, identity, utcOffsetMinutes: deps.utcOffsetMinutes }))
    })
  }

  app.get<{ Querystring: { next?: string | string[] } }>('/login', { config: { access: 'public' } }, async (request, reply) => {
    // `?next=a&next=b` arrives as an array: anything but one string means the default.
    // Only same-site paths: an attacker's ?next=https://evil must not turn login into an open redirect. The origin
    // is a stand-in: only whether `next` leaves it matters.
    const safeNext = safeNextPath(request.query.next, 'http://qundesk.invalid')
    return reply.type('text/html; charset=utf-8').send(renderLoginPage({ next: safeNext }))
  })

  // Open while a change is due (every other page redirects here then); for everyone else, reached from the header.
  app.get<{ Querystring: { next?: string | string[] } }>(PASSWORD_PAGE_URL, { config: { access: 'agent', beforePasswordChange: true } }, async (request, reply) => {
    const identity = request.identity
    if (identity?.kind !== 'session') return reply.redirect(`/login?next=${encodeURIComponent(request.url)}`)
    const next = safeNextPath(request.query.next, 'http://qundesk.invalid')
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(renderPasswordPage({
      name: identity.name,
      csrfToken: identity.csrfToken,
      required: identity.mustChangePassword,
      next: next.startsWith(PASSWORD_PAGE_URL) ? '/' : next,
    }))
  })
}
