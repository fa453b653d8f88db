import fastifyCookie from '@fastify/cookie'
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify'
import { QunDeskError } from '../core/errors.js'
import { wellFormedDeep } from '../core/well-formed-text.js'
import { isAuthorizedBearer, isBearerScheme } from './bearer-auth.js'
import { CSRF_HEADER, csrfOk } from './csrf.js'
import { HTTP_STATUS } from './http-errors.js'
import { allows, awaitsPasswordChange, type Identity } from './identity.js'
import { PASSWORD_PAGE_URL } from './pages/password.ids.js'
import { createRequestRateLimit } from './rate-limit.js'
import { registerAdminRoutes } from './routes/admin.routes.js'
import { registerMediaRoutes } from './routes/media.routes.js'
import { registerKnowledgeRoutes } from './routes/knowledge.routes.js'
import { registerQuickReplyRoutes } from './routes/quick-reply.routes.js'
import { registerLearningRoutes } from './routes/learning.routes.js'
import { registerAssetRoutes } from './routes/asset.routes.js'
import { registerEventRoutes } from './routes/event.routes.js'
import { registerMemberRoutes } from './routes/member.routes.js'
import { registerPageRoutes } from './routes/page.routes.js'
import { registerReportRoutes } from './routes/report.routes.js'
import { registerSessionRoutes, SESSION_COOKIE } from './routes/session.routes.js'
import { registerSuggestionRoutes } from './routes/suggestion.routes.js'
import type { HealthView } from './contract.js'
import type { HttpServerDeps } from './http-server-deps.js'
import { HSTS_HEADER, SECURITY_HEADERS } from './security-headers.js'

/**
 * The agent console and the HTTP API on one Fastify server. Every route declares its access ('public', 'agent',
 * 'admin'); one hook resolves who is calling (bearer token or session cookie), checks the role and, for
 * cookie sessions, the CSRF token on every state-changing request.
 * Each caller draws from a rate-limit bucket on the way (src/console/rate-limit.ts): 429 with Retry-After when empty.
 *
 * @example
 * const app = createHttpServer(deps)
 * await app.listen({ host: '127.0.0.1', port: 3000 })
 */
export function createHttpServer(deps: HttpServerDeps): FastifyInstance {
  // Fastify (proxy-addr) takes the trusted proxies' addresses as one comma-separated string; a bare hop count it
  // ignores (fails closed), so hops are a function: the first `hops` addresses from the socket inwards are proxies.
  const trust = deps.trustProxy ?? false
  const trustProxy: string | false | ((address: string, hop: number) => boolean) = Array.isArray(trust)
    ? trust.join(',')
    : typeof trust === 'number' && trust > 0 ? (_address: string, hop: number) => hop < trust : false
  const app = Fastify({
    loggerInstance: deps.logger.child({ component: 'http' }) as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 64 * 1024,
    trustProxy,
    // Live-queue streams never go idle; close them on shutdown instead of waiting.
    forceCloseConnections: true,
  })
  void app.register(fastifyCookie)

  // A route without a declared access level is a bug: fail at start, not in production.
  app.addHook('onRoute', (route) => {
    if (!route.config?.access) throw new Error(`route ${route.method} ${route.url} does not declare config.access`)
  })

  const rateLimit = createRequestRateLimit(deps.rateLimit)
  app.addHook('onRequest', async (request, reply) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) reply.header(name, value)
    // request.protocol honours the trusted proxy's x-forwarded-proto, as the cookie's Secure 'auto' does.
    if (request.protocol === 'https') reply.header('strict-transport-security', HSTS_HEADER)
    // API answers carry queue and member data: no browser or proxy cache keeps them.
    if (request.url.startsWith('/api/')) reply.header('cache-control', 'no-store')
    const access = request.routeOptions.config?.access
    if (!access) return // 404s: nothing to protect
    const identity = await identify(request, deps)
    // Limited after identifying (a user's bucket follows them across addresses), before any other answer.
    const limited = rateLimit({ method: request.method, route: request.routeOptions.url ?? request.url, access, ip: request.ip, identity: identity === 'invalid-token' ? undefined : identity }, deps.clock().getTime())
    if (!limited.allowed) throw new QunDeskError('too_many_requests', `请求过于频繁，请 ${limited.retryAfterSeconds} 秒后再试`, { retryAfterSeconds: limited.retryAfterSeconds })
    if (identity === 'invalid-token') return deny(request, reply, 401, deps.apiToken ? '需要有效的 Authorization: Bearer <QUNDESK_API_TOKEN>' : '接口未启用：请设置 QUNDESK_API_TOKEN')
    if (identity) request.identity = identity
    if (!allows(identity, access)) return deny(request, reply, identity ? 403 : 401, identity ? '没有权限：需要管理员角色' : '请先登录')
    // Enforced here, not only in the page: until a one-time or reset password is replaced, nothing else answers.
    if (awaitsPasswordChange(identity, { access, beforePasswordChange: request.routeOptions.config.beforePasswordChange })) {
      if (wantsPage(request)) return reply.redirect(`${PASSWORD_PAGE_URL}?next=${encodeURIComponent(request.url)}`)
      throw new QunDeskError('password_change_required', '请先修改密码：当前密码是一次性密码或管理员重置的密码，修改后才能使用其他功能')
    }
    if (identity?.kind === 'session' && !csrfOk(request.method, request.headers[CSRF_HEADER], identity.csrfToken)) {
      return deny(request, reply, 403, 'CSRF 校验失败：请刷新页面后重试')
    }
  })

  // Text enters well-formed: a lone surrogate (JSON "\ud800", a percent-decoded query) becomes U+FFFD here, as the
  // database would store it, so no handler holds a string that differs from what it writes (the audit chain hashed
  // one and stored the other). Registered on the root, so channel plugins' own scopes and parsers get it too.
  // Header values need nothing: Node reads them as latin1, which cannot hold a surrogate.
  app.addHook('preValidation', async (request) => {
    request.body = wellFormedDeep(request.body)
    request.query = wellFormedDeep(request.query)
    // The router's params object has a prototype of its own, which wellFormedDeep leaves alone: copy it plain first.
    request.params = wellFormedDeep({ ...(request.params as Record<string, unknown>) })
  })

  app.setErrorHandler((error, request, reply) => {
    if (error instanceof QunDeskError) {
      const status = HTTP_STATUS[error.code]
      if (status >= 500) request.log.error({ err: error }, 'request failed')
      if (error.code === 'too_many_requests' && typeof error.context.retryAfterSeconds === 'number') reply.header('retry-after', String(error.context.retryAfterSeconds))
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

  registerSessionRoutes(app, deps)
  registerSuggestionRoutes(app, deps)
  registerEventRoutes(app, deps)
  registerReportRoutes(app, deps)
  registerAdminRoutes(app, deps)
  registerQuickReplyRoutes(app, deps)
  registerKnowledgeRoutes(app, deps)
  registerLearningRoutes(app, deps)
  registerMemberRoutes(app, deps)
  registerMediaRoutes(app, deps)
  for (const routes of deps.channelRoutes ?? []) void app.register(routes)
  registerPageRoutes(app, deps)
  registerAssetRoutes(app)
  app.get('/api/health', { config: { access: 'agent' } }, async (): Promise<HealthView> => {
    const report = await deps.health()
    // 'degraded' while the account is offline or replies have failed for good: the process itself is fine.
    // A knowledge edit that did not load too: the bot answers with the old version until someone fixes the file.
    return { status: report.channel.state === 'online' && report.outbox.failed === 0 && report.database.ok && report.knowledge.ok ? 'ok' : 'degraded', ...report }
  })
  return app
}

async function identify(request: FastifyRequest, deps: HttpServerDeps): Promise<Identity | 'invalid-token' | undefined> {
  const header = request.headers.authorization
  // Only the Bearer scheme is ours: a proxy's `Basic …` header must not hide the session cookie (a login loop).
  if (header !== undefined && isBearerScheme(header)) return isAuthorizedBearer(header, deps.apiToken) ? { kind: 'token', name: 'api', role: 'agent' } : 'invalid-token'
  const token = request.cookies[SESSION_COOKIE]
  if (!token) return undefined
  const session = await deps.auth.authenticate(token)
  return session ? { kind: 'session', name: session.user.name, role: session.user.role, csrfToken: session.csrfToken, token, mustChangePassword: session.user.mustChangePassword } : undefined
}

/** A browser navigating to a page (answered with a redirect or HTML), rather than a script calling the API. */
function wantsPage(request: FastifyRequest): boolean {
  return request.method === 'GET' && !request.url.startsWith('/api/')
}

function deny(request: FastifyRequest, reply: FastifyReply, status: 401 | 403, message: string) {
  if (wantsPage(request) && status === 401) return reply.redirect(`/login?next=${encodeURIComponent(request.url)}`)
  if (status === 401 && request.url.startsWith('/api/')) reply.header('www-authenticate', 'Bearer')
  if (wantsPage(request)) return reply.code(403).type('text/html; charset=utf-8').send(`<!doctype html><meta charset="utf-8"><title>没有权限</title><p>${message}</p><p><a href="/">返回工作台</a></p>`)
  return reply.code(status).send({ error: status === 401 ? 'unauthorized' : 'forbidden', message })
}
