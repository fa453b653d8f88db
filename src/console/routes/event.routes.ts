import type { FastifyInstance } from 'fastify'
import type { SuggestionEventData } from '../contract.js'
import type { HttpServerDeps } from '../http-server-deps.js'

const HEARTBEAT_MS = 20_000

/**
 * Server-sent events for the live queue: `suggestion` events carry the changed suggestion. A comment line every
 * 20 s keeps proxies from closing an idle stream; the browser's EventSource reconnects by itself.
 * A cookie session's stream ends with the session: before each event and heartbeat the session is checked
 * (without sliding it), so logout or an admin disabling the user stops the delivery.
 */
export function registerEventRoutes(app: FastifyInstance, deps: Pick<HttpServerDeps, 'suggestions' | 'auth'>): void {
  app.get('/api/events', { config: { access: 'agent' } }, (request, reply) => {
    reply.hijack()
    const res = reply.raw
    res.writeHead(200, {
      ...(reply.getHeaders() as Record<string, string>),
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    })
    res.write('retry: 3000\n\n')
    const identity = request.identity
    // Writes go through one chain, so the session check before each keeps the events in order.
    let chain = Promise.resolve()
    let ended = false
    const send = (text: string) => {
      chain = chain.then(async () => {
        if (ended) return
        if (identity?.kind === 'session' && !(await deps.auth.isLive(identity.token).catch(() => false))) {
          close()
          res.end()
          return
        }
        res.write(text)
      })
    }
    const unsubscribe = deps.suggestions.subscribe((event) => {
      const s = event.suggestion
      const data: SuggestionEventData = { type: event.type, id: s.id, status: s.status, groupId: s.groupId, version: s.version, claimedBy: s.claimedBy }
      send(`event: suggestion\ndata: ${JSON.stringify(data)}\n\n`)
    })
    const heartbeat = setInterval(() => send(': keep-alive\n\n'), HEARTBEAT_MS)
    heartbeat.unref()
    const close = () => {
      ended = true
      clearInterval(heartbeat)
      unsubscribe()
    }
    request.raw.on('close', close)
    res.on('error', close)
  })
}
