/** A logged-in console session for HTTP tests: the cookie and CSRF token a browser would hold. */
export interface ConsoleSession {
  cookie: string
  csrf: string
  call<T = unknown>(method: string, url: string, body?: unknown, options?: { csrf?: string | null }): Promise<{ status: number; body: T; headers: Headers }>
}

export async function login(base: string, name: string, password: string, headers: Record<string, string> = {}): Promise<{ status: number; session?: ConsoleSession; body: unknown; headers: Headers }> {
  const res = await fetch(`${base}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ name, password }) })
  const body = (await res.json()) as { csrfToken?: string }
  if (res.status !== 200) return { status: res.status, body, headers: res.headers }
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]!
  const csrf = body.csrfToken!
  return {
    status: res.status,
    body,
    headers: res.headers,
    session: {
      cookie,
      csrf,
      async call(method, url, payload, options = {}) {
        const h: Record<string, string> = { cookie }
        const token = options.csrf === undefined ? csrf : options.csrf
        if (token !== null) h['x-csrf-token'] = token
        if (payload !== undefined) h['content-type'] = 'application/json'
        const r = await fetch(`${base}${url}`, { method, headers: h, redirect: 'manual', ...(payload !== undefined ? { body: JSON.stringify(payload) } : {}) })
        const text = await r.text()
        let parsed: unknown = text
        try { parsed = text ? JSON.parse(text) : undefined } catch { /* HTML or CSV */ }
        return { status: r.status, body: parsed as never, headers: r.headers }
      },
    },
  }
}
