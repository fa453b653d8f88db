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
}

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess
  }
}
