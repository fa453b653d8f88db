import pg from 'pg'
import type { Logger } from '../core/logger.js'
import { redactDatabaseUrl } from './dialect.js'

export interface PgListener {
  stop(): Promise<void>
}

/**
 * LISTENs on PostgreSQL channels on a connection of its own (a pooled one would be handed to queries), and calls
 * `onNotify(channel, payload)` for each NOTIFY. A lost connection is re-opened with backoff; notifications sent
 * meanwhile are lost, so callers also poll now and then.
 *
 * @example
 * const listener = listenForNotifications({ url, channels: ['qundesk_outbox'], logger, onNotify: (c, p) => kick(p) })
 */
export function listenForNotifications(options: {
  url: string; channels: readonly string[]; logger: Logger; onNotify: (channel: string, payload: string) => void
  /** Called each time the LISTENs are in place (first connect and every reconnect): what was sent while down is lost. */
  onListening?: () => void
}): PgListener {
  const log = options.logger.child({ component: 'pg-listener' })
  let client: pg.Client | undefined
  let stopped = false
  let retry: NodeJS.Timeout | undefined
  let failures = 0

  const connect = async (): Promise<void> => {
    if (stopped) return
    const next = new pg.Client({ connectionString: options.url, application_name: 'qundesk-listen' })
    next.on('notification', (n) => { if (n.payload !== undefined) options.onNotify(n.channel, n.payload) })
    next.on('error', (error) => {
      log.warn({ err: error }, 'notification connection lost; reconnecting')
      if (client === next) client = undefined
      void next.end().catch(() => undefined)
      reconnect()
    })
    try {
      await next.connect()
      for (const channel of options.channels) await next.query(`LISTEN ${pg.escapeIdentifier(channel)}`)
      if (stopped) return void (await next.end())
      client = next
      options.onListening?.()
      if (failures > 0) log.info({ database: redactDatabaseUrl(options.url) }, 'listening for notifications again')
      failures = 0
    } catch (error) {
      log.warn({ err: error, database: redactDatabaseUrl(options.url) }, 'cannot listen for notifications; retrying')
      void next.end().catch(() => undefined)
      reconnect()
    }
  }
  const reconnect = () => {
    if (stopped || retry) return
    failures += 1
    retry = setTimeout(() => { retry = undefined; void connect() }, Math.min(30_000, 500 * 2 ** Math.min(failures, 6)))
    retry.unref()
  }
  void connect()
  return {
    async stop() {
      stopped = true
      if (retry) clearTimeout(retry)
      await client?.end().catch(() => undefined)
      client = undefined
    },
  }
}
