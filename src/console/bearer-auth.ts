import { createHash, timingSafeEqual } from 'node:crypto'

/**
 * Checks an `Authorization: Bearer <token>` header in constant time. Hashing both sides first makes the
 * comparison length-independent, so the token's length does not leak either.
 *
 * @example
 * isAuthorizedBearer('Bearer s3cret-token-value', 's3cret-token-value') // true
 */
export function isAuthorizedBearer(header: string | undefined, token: string | undefined): boolean {
  if (!token || !header) return false
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header)
  if (!match) return false
  const digest = (value: string) => createHash('sha256').update(value).digest()
  return timingSafeEqual(digest(match[1]!), digest(token))
}
