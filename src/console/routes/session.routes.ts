import type { FastifyInstance } from 'fastify'
import { QunDeskError } from '../../core/errors.js'
import type { PasswordChangeRequest, PasswordChangeView } from '../contract.js'
import type { HttpServerDeps } from '../http-server-deps.js'

export const SESSION_COOKIE = 'qundesk_session'

/** Log in, log out, who am I, and a user's own password change. */
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
    // mustChangePassword tells the login page to go to the change page (the server would redirect there anyway).
    return { user: session.user, csrfToken: session.csrfToken }
  })

  // Open while a password change is due: the change page asks who is signed in, and anyone may leave.
  const whilePasswordChangeDue = { access: 'agent', beforePasswordChange: true } as const

  app.get('/api/session', { config: whilePasswordChangeDue }, async (request) => {
    const identity = request.identity!
    return identity.kind === 'session'
      ? { user: { name: identity.name, role: identity.role, mustChangePassword: identity.mustChangePassword }, csrfToken: identity.csrfToken }
      : { user: { name: identity.name, role: identity.role, mustChangePassword: false }, csrfToken: null }
  })

  app.post<{ Body: PasswordChangeRequest }>('/api/session/password', {
    config: whilePasswordChangeDue,
    schema: {
      body: {
        type: 'object',
        required: ['currentPassword', 'newPassword'],
        additionalProperties: false,
        properties: { currentPassword: { type: 'string', minLength: 1, maxLength: 256 }, newPassword: { type: 'string', minLength: 1, maxLength: 256 } },
      },
    },
  }, async (request): Promise<PasswordChangeView> => {
    const identity = request.identity!
    if (identity.kind !== 'session') throw new QunDeskError('bad_request', 'API token 没有密码可改：请在控制台登录后修改自己的密码')
    return deps.auth.changePassword({ token: identity.token, currentPassword: request.body.currentPassword, newPassword: request.body.newPassword, ip: request.ip })
  })

  app.delete('/api/session', { config: whilePasswordChangeDue }, async (request, reply) => {
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
