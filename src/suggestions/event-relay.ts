import type { Logger } from '../core/logger.js'
import type { Db } from '../storage/create-db.js'
import { notifyInstances } from '../storage/fleet.repository.js'
import type { SuggestionEvent, SuggestionService } from './suggestion-service.js'

/** The NOTIFY channel for queue changes; the payload is `{ from, type, id }` (small: NOTIFY payloads stop at 8 kB). */
export const EVENTS_CHANNEL = 'qundesk_events'

export interface EventRelay {
  /** A NOTIFY on EVENTS_CHANNEL arrived. */
  receive(payload: string): void
  stop(): void
}

/**
 * Live console updates across instances: each change made here is announced over PostgreSQL NOTIFY, and changes
 * announced by other instances are read back and given to this process's subscribers (marked `remote`, so nothing
 * is announced twice and per-change side effects such as webhook notices stay with the instance that made it).
 */
export function relaySuggestionEvents(deps: { db: Db; suggestions: SuggestionService; instanceId: string; logger: Logger }): EventRelay {
  const log = deps.logger.child({ component: 'event-relay' })
  const unsubscribe = deps.suggestions.subscribe((event: SuggestionEvent) => {
    if (event.remote) return
    const payload = JSON.stringify({ from: deps.instanceId, type: event.type, id: event.suggestion.id })
    notifyInstances(deps.db, EVENTS_CHANNEL, payload).catch((error: unknown) => log.warn({ err: error }, 'announcing a queue change failed'))
  })
  return {
    receive(payload) {
      let parsed: { from?: unknown; type?: unknown; id?: unknown }
      try {
        parsed = JSON.parse(payload) as typeof parsed
      } catch {
        return log.warn({ payload: payload.slice(0, 200) }, 'ignored a malformed queue notification')
      }
      if (parsed.from === deps.instanceId) return
      if ((parsed.type !== 'created' && parsed.type !== 'updated') || typeof parsed.id !== 'number') return log.warn({ payload: payload.slice(0, 200) }, 'ignored a malformed queue notification')
      deps.suggestions.relay(parsed.type, parsed.id).catch((error: unknown) => log.warn({ err: error, suggestionId: parsed.id }, 'relaying a queue change failed'))
    },
    stop: unsubscribe,
  }
}
