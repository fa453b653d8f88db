import type { RouteAccess } from '../core/route-access.js'
import type { Role } from '../core/vocabulary.js'

/** Who is calling: a console user (session cookie) or an integration (bearer token). */
export type Identity =
  | { kind: 'session'; name: string; role: Role; csrfToken: string; token: string; mustChangePassword: boolean }
  | { kind: 'token'; name: 'api'; role: 'agent' }

declare module 'fastify' {
  interface FastifyRequest {
    identity?: Identity
  }
}

const RANK: Record<Role, number> = { agent: 1, admin: 2 }

export function allows(identity: Identity | undefined, access: RouteAccess): boolean {
  if (access === 'public') return true
  if (!identity) return false
  return RANK[identity.role] >= RANK[access]
}

/**
 * Whether a route refuses this caller until they change their password: a console session flagged for it, on a
 * route not declared `beforePasswordChange`. Bearer tokens have no password to change and are never held up.
 */
export function awaitsPasswordChange(identity: Identity | undefined, route: { access: RouteAccess; beforePasswordChange?: boolean | undefined }): boolean {
  return route.access !== 'public' && identity?.kind === 'session' && identity.mustChangePassword && route.beforePasswordChange !== true
}

/** The actor recorded in the audit log; API callers may name on whose behalf they act. */
export function actorOf(identity: Identity | undefined, onBehalfOf?: string): string {
  if (!identity) return 'anonymous'
  if (identity.kind === 'token') return onBehalfOf ? `api:${onBehalfOf}` : 'api'
  return identity.name
}
