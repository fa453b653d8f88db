/** DOM ids of the login page (login.page.ts), read by login.ts. */
export const LOGIN_IDS = {
  form: 'login-form',
  error: 'login-error',
} as const

/**
 * Where to go after login: `next` if, once parsed as a URL against `origin`, it stays on that origin and is a
 * path with a single leading slash; '/' otherwise. Checked on the parsed URL, not the text, because browsers
 * drop tabs and newlines and read `\` as `/` (`/\t/evil.example` is `//evil.example`). Shared by the login route
 * and login.ts, so the page's script does not trust its own markup either.
 *
 * @example
 * safeNextPath('/reports?day=1', 'http://qundesk.local') // '/reports?day=1'
 * safeNextPath('/\t/evil.example/phish', 'http://qundesk.local') // '/'
 */
export function safeNextPath(next: unknown, origin: string): string {
  if (typeof next !== 'string' || !next.startsWith('/')) return '/'
  let url: URL
  try {
    url = new URL(next, origin)
  } catch {
    return '/'
  }
  if (url.origin !== new URL(origin).origin) return '/'
  // The normalized path itself must not read as protocol-relative (`/.//evil` normalizes to `//evil`).
  const path = `${url.pathname}${url.search}${url.hash}`
  return path.startsWith('/') && !path.startsWith('//') && !path.startsWith('/\\') ? path : '/'
}
