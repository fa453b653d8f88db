import type { Config } from '../config/load-config.js'
import type { Clock } from '../core/clock.js'
import type { Logger } from '../core/logger.js'
import { createGroupClaims, type GroupClaims } from '../fleet/group-claims.js'
import { startHeartbeat } from '../fleet/heartbeat.js'
import { holdInstanceLock } from '../fleet/instance-lock.js'
import { createJobClaims, type JobClaims } from '../fleet/job-claims.js'
import { OUTBOX_CHANNEL, type Outbox } from '../outbox/outbox.js'
import type { Db } from '../storage/create-db.js'
import { listenForNotifications } from '../storage/pg-listener.js'
import { SETTINGS_CHANNEL, type SettingsService } from '../settings/settings-service.js'
import { EVENTS_CHANNEL, relaySuggestionEvents } from '../suggestions/event-relay.js'
import type { SuggestionService } from '../suggestions/suggestion-service.js'
import type { StopStack } from './stop-stack.js'

export interface FleetMembership {
  instanceId: string
  groups: GroupClaims
  /** Each cron tick of a fleet-wide job runs on one instance. */
  jobClaims: JobClaims
}

/**
 * This process's place among the instances on one database: its lock (PostgreSQL: one process per instance id,
 * and proof of life for the others), its heartbeat, the groups it claims and the job claims. Taken before any
 * replay, so an instance taking over this one's messages has finished first.
 */
export async function joinFleet(
  deps: { config: Readonly<Config>; db: Db; clock: Clock; logger: Logger; instanceLockWaitMs?: number | undefined },
  stack: StopStack,
): Promise<FleetMembership> {
  const { config, db, clock, logger } = deps
  const { instanceId } = config
  if (config.databaseUrl) {
    const lock = await holdInstanceLock({ url: config.databaseUrl, instanceId, logger, ...(deps.instanceLockWaitMs !== undefined ? { waitMs: deps.instanceLockWaitMs } : {}) })
    stack.defer(() => lock.stop())
  }
  stack.defer(await startHeartbeat({ db, clock, logger, instanceId }))
  return { instanceId, groups: createGroupClaims({ db, clock, instanceId }), jobClaims: createJobClaims({ db, clock, instanceId }) }
}

/**
 * PostgreSQL only: other instances queue sends for this account's groups (a NOTIFY wakes the outbox worker, a
 * 5 s poll covers a lost one), queue changes made on any instance reach the consoles connected to this one, and a
 * settings change made on another instance drops this one's cached settings (so do reconnects: a NOTIFY sent while
 * the connection was down is lost).
 */
export function relayAcrossFleet(
  deps: { config: Readonly<Config>; db: Db; logger: Logger; outbox: Outbox; suggestions: SuggestionService; settings: Pick<SettingsService, 'invalidate'> },
  stack: StopStack,
): void {
  const { databaseUrl, instanceId } = deps.config
  if (!databaseUrl) return
  const relay = relaySuggestionEvents({ db: deps.db, suggestions: deps.suggestions, instanceId, logger: deps.logger })
  const listener = listenForNotifications({
    url: databaseUrl, channels: [OUTBOX_CHANNEL, EVENTS_CHANNEL, SETTINGS_CHANNEL], logger: deps.logger,
    onNotify: (channel, payload) => {
      if (channel === EVENTS_CHANNEL) relay.receive(payload)
      else if (channel === SETTINGS_CHANNEL) deps.settings.invalidate()
      else if (payload === instanceId) deps.outbox.kick()
    },
    onListening: () => deps.settings.invalidate(),
  })
  const poll = setInterval(() => deps.outbox.kick(), 5_000)
  poll.unref()
  stack.defer(async () => { clearInterval(poll); relay.stop(); await listener.stop() })
}
