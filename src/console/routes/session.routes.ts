import type { FastifyInstance } from 'fastify'
import { QunDeskError } from '../../core/errors.js'
import type { HttpServerDeps } from '../http-server-deps.js'

export const SESSION_COOKIE = 'qundesk_session'

/** Log in, log out, who am I. */
export function registerSessionRoutes(app: FastifyInstance, deps: Pick<HttpServerDeps, 'auth' | 'cookieSecure'>): void {
  app.post<{ Body: { name: string; password: string } }>('/api/session', {
    config: { access: 'public' },
    schema: {
      body: {
        type: 'object',
        required: ['name', 'password'],
        additionalProperties: false,
        properties: { name: { type: 'string', minLength: 1, maxLength: 64 }, password: { type: 'string', minLength: 1, maxLength: 256 } },
      },
    },
  }, async (request, reply) => {
    // Login CSRF: a cross-site page may not log the browser into our console.
    const origin = request.headers.origin
    if (origin && hostOf(origin) !== request.headers.host) throw new QunDeskError('forbidden', '跨站登录请求被拒绝')
    const { token, session } = await deps.auth.login({ name: request.body.name, password: request.body.password, ip: request.ip })
    reply.setCookie(SESSION_COOKIE, token, {
      path: '/',
      httpOnly: true,
      sameSite: 'strict',
      secure: deps.cookieSecure ?? 'auto',
      // The cookie lives as long as the session could (7 days); the server ends it after 12 idle hours. With the
      // idle expiry here, the browser dropped the cookie 12 h after login, however active the agent was.
      expires: new Date(session.maxExpiresAt),
    })
    return { user: session.user, csrfToken: session.csrfToken }
  })

  app.get('/api/session', { config: { access: 'agent' } }, async (request) => {
    const identity = request.identity!
    return identity.kind === 'session'
      ? { user: { name: identity.name, role: identity.role }, csrfToken: identity.csrfToken }
      : { user: { name: identity.name, role: identity.role }, csrfToken: null }
  })

  app.delete('/api/session', { config: { access: 'agent' } }, async (request, reply) => {
    const identity = request.identity!
    if (identity.kind !== 'session') throw new QunDeskError('bad_request', 'API token 没有会话可退出')
    await deps.auth.logout(identity.token, identity.name)
    reply.clearCookie(SESSION_COOKIE, { path: '/' })
    return { status: 'logged_out' }
  })
}

/** The host of an Origin header; undefined for one that is not a URL (`null` from a sandboxed page, garbage). */
function hostOf(origin: string): string | undefined {
  try {
    return new URL(origin).host
  } catch {
    return undefined
  }
}
