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

/**
 * Whether an `Authorization` header uses the Bearer scheme at all. Other schemes (a proxy's `Basic …` in front of
 * the console) are not ours to judge: the console ignores them and looks at the session cookie instead.
 *
 * @example
 * isBearerScheme('Basic dXNlcjpwYXNz') // false
 */
export function isBearerScheme(header: string): boolean {
  return /^Bearer(\s|$)/i.test(header.trimStart())
}
