import { timingSafeEqual } from 'node:crypto'

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

export const CSRF_HEADER = 'x-csrf-token'

/**
 * Cookie-authenticated requests that change state must echo the session's CSRF token in a header, which a
 * cross-site form or image cannot do.
 *
 * @example
 * csrfOk('POST', request.headers['x-csrf-token'], session.csrfToken)
 */
export function csrfOk(method: string, sent: string | string[] | undefined, expected: string): boolean {
  if (SAFE_METHODS.has(method.toUpperCase())) return true
  if (typeof sent !== 'string' || sent.length === 0) return false
  const a = Buffer.from(sent)
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}
