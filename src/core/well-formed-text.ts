/**
 * Text leaves the process as UTF-8 (SQLite, PostgreSQL, JSON responses), which cannot hold a lone UTF-16 surrogate:
 * the encoder writes U+FFFD instead. A string that still held one in memory would then differ from what was stored
 * (the audit chain hashed one and stored the other). PostgreSQL's text also refuses a NUL outright, so a customer
 * message holding one was stored on SQLite and lost on PostgreSQL. So text is made well-formed where it enters:
 * every lone surrogate and every NUL becomes U+FFFD (what the encoder writes for a surrogate); valid pairs stay.
 */

// With the u flag a valid pair is one code point, so only unpaired surrogates match.
const UNSTORABLE = /[\p{Surrogate}\0]/gu

/**
 * @example
 * wellFormed('a\ud800b') // 'a\ufffdb'
 * wellFormed('a\0b')     // 'a\ufffdb'
 * wellFormed('😀')       // '😀'
 */
export function wellFormed(text: string): string {
  UNSTORABLE.lastIndex = 0
  return UNSTORABLE.test(text) ? text.replace(UNSTORABLE, '\uFFFD') : text
}

/**
 * Every string in a parsed JSON value (object keys too), made well-formed; the same value back when there was
 * nothing to change, so a clean body is not copied.
 *
 * @example
 * wellFormedDeep({ name: '\ud800', tags: ['x'] }) // { name: '\ufffd', tags: ['x'] }
 */
export function wellFormedDeep<T>(value: T): T {
  return deep(value, 0) as T
}

function deep(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return wellFormed(value)
  // JSON nesting is bounded by the body limit; the guard only stops a pathological cycle from a caller's object.
  if (typeof value !== 'object' || value === null || depth > 200) return value
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined
    value.forEach((item, i) => {
      const clean = deep(item, depth + 1)
      if (clean !== item) (copy ??= [...value])[i] = clean
    })
    return copy ?? value
  }
  if (Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null) return value
  let changed = false
  const entries = Object.entries(value).map(([key, item]) => {
    const cleanKey = wellFormed(key)
    const clean = deep(item, depth + 1)
    if (cleanKey !== key || clean !== item) changed = true
    return [cleanKey, clean] as const
  })
  if (!changed) return value
  // Keeps a null-prototype object (Fastify's query) null-prototype, and "__proto__" an own key, not a prototype.
  const copy: Record<string, unknown> = Object.create(Object.getPrototypeOf(value) as object | null) as Record<string, unknown>
  for (const [key, item] of entries) Object.defineProperty(copy, key, { value: item, enumerable: true, writable: true, configurable: true })
  return copy
}
