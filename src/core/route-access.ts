/**
 * Who may call an HTTP route: anyone ('public'), a signed-in agent or API token ('agent'), or an admin ('admin').
 * Every route declares it in `config.access`, wherever the route is defined (the console, or a channel's own
 * callback endpoints); the HTTP server enforces it and refuses to register a route that does not declare it.
 *
 * @example
 * app.get('/wecom/callback', { config: { access: 'public' } satisfies RouteAccessConfig }, handler)
 */
export type RouteAccess = 'public' | 'agent' | 'admin'

/** The part of a Fastify route's `config` that carries its access level. */
export interface RouteAccessConfig {
  access: RouteAccess
  /**
   * Open to a session whose user must change their password first (the demo's one-time password, an admin's
   * reset): only what choosing a new one takes (who am I, log out, the change itself and its page). Every other
   * signed-in route refuses such a session with 403 `password_change_required`. Public routes need no session.
   */
  beforePasswordChange?: boolean
}

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess
    beforePasswordChange?: boolean
  }
}
