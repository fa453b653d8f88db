/** Headers on every response: no framing, no sniffing, scripts and styles only from this server. */
export const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'same-origin',
  'cross-origin-opener-policy': 'same-origin',
}

/** On HTTPS requests only: browsers keep to HTTPS for 180 days (over plain HTTP the header is ignored anyway). */
export const HSTS_HEADER = 'max-age=15552000'
