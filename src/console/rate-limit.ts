import type { RouteAccess } from '../core/route-access.js'
import type { Identity } from './identity.js'

/** A token bucket: `burst` requests at once, refilled at `perSecond`. */
export interface Rate {
  perSecond: number
  burst: number
}

export interface RateDecision {
  allowed: boolean
  /** Whole seconds until one more request is allowed (0 when allowed). */
  retryAfterSeconds: number
}

export interface RateLimiter {
  /** Takes one token from the key's bucket at time `now` (ms). */
  take(key: string, now: number): RateDecision
  /** Buckets held in memory. */
  readonly size: number
}

interface Bucket {
  tokens: number
  at: number
}

/**
 * Token buckets per key, in memory (a restart forgives, as with the login throttle). Memory stays bounded under a
 * spray of keys: past `maxKeys`, buckets that have refilled (the same as no bucket) go first, then the least
 * recently used, down to 90% of `maxKeys` so the sweep runs rarely.
 *
 * @example
 * const limiter = createRateLimiter({ perSecond: 20, burst: 60 })
 * if (!limiter.take('user:小王', Date.now()).allowed) reply.code(429)
 */
export function createRateLimiter(rate: Rate, options: { maxKeys?: number } = {}): RateLimiter {
  if (!(rate.perSecond > 0) || !(rate.burst >= 1)) throw new RangeError(`rate limit needs perSecond > 0 and burst >= 1, got ${JSON.stringify(rate)}`)
  const maxKeys = options.maxKeys ?? 10_000
  const buckets = new Map<string, Bucket>()
  const refilled = (bucket: Bucket, now: number) => Math.min(rate.burst, bucket.tokens + (Math.max(0, now - bucket.at) * rate.perSecond) / 1000)

  const sweep = (now: number) => {
    for (const [key, bucket] of buckets) if (refilled(bucket, now) >= rate.burst) buckets.delete(key)
    const target = Math.floor(maxKeys * 0.9)
    // Map iteration is insertion order, and take() re-inserts: the first keys are the least recently used.
    for (const key of buckets.keys()) {
      if (buckets.size <= target) break
      buckets.delete(key)
    }
  }

  return {
    take(key, now) {
      const bucket = buckets.get(key)
      let tokens = bucket ? refilled(bucket, now) : rate.burst
      const allowed = tokens >= 1
      if (allowed) tokens -= 1
      buckets.delete(key)
      buckets.set(key, { tokens, at: bucket ? Math.max(now, bucket.at) : now })
      if (buckets.size > maxKeys) sweep(now)
      return { allowed, retryAfterSeconds: allowed ? 0 : Math.max(1, Math.ceil((1 - tokens) / rate.perSecond)) }
    },
    get size() {
      return buckets.size
    },
  }
}

/** What QUNDESK_RATE_LIMIT_PER_SECOND / _BURST set; `perSecond: 0` turns rate limiting off. */
export interface RateLimitSettings {
  perSecond: number
  burst: number
}

export const DEFAULT_RATE_LIMIT: RateLimitSettings = { perSecond: 20, burst: 60 }

/**
 * WeCom's callback URLs get at least this much per client address: WeCom delivers (and retries, 3 times after a
 * 5 s timeout) from a handful of its own addresses, so a busy corp's events share a few buckets.
 */
export const WECOM_CALLBACK_RATE: Rate = { perSecond: 50, burst: 200 }

/** The routes' side of a request, as the onRequest hook sees it. */
export interface LimitedRequest {
  method: string
  /** The route's pattern (`/api/suggestions/:id`), not the URL: one entry per route. */
  route: string
  access: RouteAccess
  ip: string
  identity?: Identity | undefined
}

export type RequestRateLimit = (request: LimitedRequest, now: number) => RateDecision

const ALLOWED: RateDecision = { allowed: true, retryAfterSeconds: 0 }

/**
 * The rate-limit policy for the HTTP server, one bucket per caller:
 * - console and API routes: per identity (the session's user, or the API token); per client address when the
 *   caller is not identified (no or a wrong token or cookie), so guessing is limited too;
 * - logins (`POST /api/session`): per client address;
 * - WeCom's callbacks (`/wecom/*`): per client address, with a higher rate (WECOM_CALLBACK_RATE);
 * - not limited: the live-queue stream `/api/events` (an EventSource gives up for good on a 429, and it is one
 *   long request per tab), static assets and the login page.
 *
 * @example
 * const limit = createRequestRateLimit({ perSecond: 20, burst: 60 })
 * limit({ method: 'GET', route: '/api/health', access: 'agent', ip: '10.0.0.8', identity }, Date.now()).allowed
 */
export function createRequestRateLimit(settings: RateLimitSettings = DEFAULT_RATE_LIMIT): RequestRateLimit {
  if (settings.perSecond <= 0) return () => ALLOWED
  const api = createRateLimiter(settings)
  const wecom = createRateLimiter({ perSecond: Math.max(settings.perSecond, WECOM_CALLBACK_RATE.perSecond), burst: Math.max(settings.burst, WECOM_CALLBACK_RATE.burst) })
  return (request, now) => {
    if (request.route === '/api/events') return ALLOWED
    if (request.route.startsWith('/wecom/')) return wecom.take(`ip:${clientKey(request.ip)}`, now)
    if (request.access === 'public' && !(request.method === 'POST' && request.route === '/api/session')) return ALLOWED
    const identity = request.identity
    return api.take(identity ? (identity.kind === 'token' ? `token:${identity.name}` : `user:${identity.name}`) : `ip:${clientKey(request.ip)}`, now)
  }
}

/**
 * The client part of an address: IPv4 as is, IPv6 by its /64 (one host usually holds a whole /64, so per-address
 * buckets would be trivial to dodge).
 *
 * @example
 * clientKey('2001:db8:1:2:aaaa::1') // '2001:db8:1:2::/64'
 */
export function clientKey(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)
  if (mapped) return mapped[1]!
  if (!ip.includes(':')) return ip
  const [head = '', tail = ''] = ip.split('%')[0]!.toLowerCase().split('::')
  const left = head ? head.split(':') : []
  const right = ip.includes('::') && tail ? tail.split(':') : []
  const groups = ip.includes('::') ? [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right] : left
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`
}
