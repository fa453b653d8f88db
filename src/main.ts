import { sql } from 'kysely'
import type { FastifyInstance } from 'fastify'
import type { DemoGroup } from './channels/wechaty/demo/demo-group.js'
import type { PuppetHandle } from './channels/wechaty/create-puppet.js'
import type { WechatyChannel } from './channels/wechaty/wechaty-channel.js'
import { createWecomCallbackInbox, type WecomCallbackInbox } from './channels/wecom/wecom-callback-inbox.js'
import type { WecomCallbackProcessor } from './channels/wecom/wecom-callback-processor.js'
import type { Config } from './config/load-config.js'
import { systemClock, type Clock } from './core/clock.js'
import { createLogger, type Logger } from './core/logger.js'
import { acknowledgeHandoffs } from './escalation/acknowledge-handoffs.js'
import { questionVectorHashes } from './embeddings/semantic-help.js'
import type { AuthService } from './auth/auth-service.js'
import type { MatcherRuntime } from './nlu/matcher-runtime.js'
import type { LearningService } from './learning/learning-service.js'
import { createMemberDirectory, type MemberDirectory } from './members/member-directory.js'
import { createMemberService, type MemberService } from './members/member-service.js'
import type { MessagePipeline } from './pipeline/create-message-pipeline.js'
import { createReportService } from './reports/report-service.js'
import type { Scheduler } from './scheduler/create-scheduler.js'
import { createSettingsService, SETTINGS_MAX_AGE_MS } from './settings/settings-service.js'
import { openDb, type Db } from './storage/create-db.js'
import { createDatabaseFileCheck } from './storage/database-file-check.js'
import { isPostgres } from './storage/dialect.js'
import { watchDatabaseFile } from './notifications/database-file-watch.js'
import type { SuggestionService } from './suggestions/suggestion-service.js'
import type { TagActionRunner } from './tagging/tag-action-runner.js'
import type { TaggingService } from './tagging/tagging-service.js'
import { joinFleet } from './app/fleet.js'
import { createEmbeddings } from './app/embeddings.js'
import { seedDemoHistory, type DemoHistorySummary } from './app/demo-history.js'
import { startHeapCompaction } from './app/heap-compaction.js'
import { startHttp } from './app/http.js'
import { startAiDrafter } from './app/drafting.js'
import { connectInbound, createChannel, createInboundPipeline, memberSync, startKnowledge } from './app/inbound.js'
import { startJobs } from './app/jobs.js'
import { startReplies } from './app/replies.js'
import { createStopStack } from './app/stop-stack.js'
import { startTagging } from './app/tagging.js'
import { startWecom } from './app/wecom.js'

export interface QunDesk {
  /** Base URL of the HTTP server, e.g. http://127.0.0.1:3000 */
  url: string
  /** The bearer token in force (made up for the demo when QUNDESK_API_TOKEN is unset). */
  apiToken: string | undefined
  db: Db
  http: FastifyInstance
  channel: WechatyChannel
  knowledge: MatcherRuntime
  suggestions: SuggestionService
  learning: LearningService
  auth: AuthService
  pipeline: MessagePipeline
  members: MemberService
  tagging: TaggingService
  tagActions: TagActionRunner
  directory: MemberDirectory
  /** Verified WeCom callbacks, stored before the acknowledgement; the processor consumes them. */
  wecomInbox: WecomCallbackInbox
  wecomProcessor: WecomCallbackProcessor
  /** Demo only: the admin account made up for this run when the database had no users. */
  demoAdmin: { name: string; password: string } | undefined
  demo: DemoGroup | undefined
  /** Demo only: the week of history this start seeded (undefined when the database had data already). */
  demoHistory: DemoHistorySummary | undefined
  logger: Logger
  /** The scheduled jobs (fleet-wide ones run once across instances). */
  scheduler: Scheduler
  instanceId: string
  stop(): Promise<void>
}

/** How often the SQLite file's identity is checked between health requests: a stat, so often is cheap. */
const DATABASE_FILE_CHECK_MS = 15_000

export interface StartOverrides {
  logger?: Logger
  clock?: Clock
  /** A puppet built by the caller (tests: a PuppetMock with their own Mocker, or a PuppetService client). */
  puppet?: PuppetHandle['puppet']
  /** How long a start waits for its instance lock (PostgreSQL) before refusing; default 30 s. */
  instanceLockWaitMs?: number
}

/**
 * The composition root: config -> database -> fleet -> (embedding provider) -> knowledge -> channel -> replies -> tagging -> pipeline ->
 * HTTP -> inbound -> WeCom -> jobs. Each `app/` module wires one concern and defers its own stop; nothing else
 * wires modules together.
 *
 * @example
 * const app = await startQunDesk(loadConfig(process.env))
 * console.log(app.url); await app.stop()
 */
export async function startQunDesk(config: Readonly<Config>, overrides: StartOverrides = {}): Promise<QunDesk> {
  // A person watching the terminal reads lines; anything else (and production) gets JSON to parse. Colours as the
  // terminal allows (Node's hasColors honours NO_COLOR, FORCE_COLOR and TERM=dumb).
  const readable = config.readableLogs && process.stdout.isTTY === true
  const logger = overrides.logger ?? createLogger({
    level: config.logLevel,
    ...(readable ? { readable: { utcOffsetMinutes: config.utcOffsetMinutes, color: process.stdout.hasColors?.() ?? false } } : {}),
  })
  const clock = overrides.clock ?? systemClock
  const db = await openDb(config, logger)
  const stack = createStopStack(logger)
  stack.defer(() => db.destroy())
  // Fold the WAL into the main file, so a stopped install is one file to copy.
  stack.defer(async () => { if (!isPostgres(db)) await sql`PRAGMA wal_checkpoint(TRUNCATE)`.execute(db) })
  // SQLite only: a deleted or replaced file shows in health, the log and the agents' group (PostgreSQL fails loudly).
  const databaseFile = isPostgres(db) ? undefined : watchDatabaseFile({
    check: createDatabaseFileCheck(config.databaseFile), file: config.databaseFile, intervalMs: DATABASE_FILE_CHECK_MS, logger,
  })
  if (databaseFile) stack.defer(() => databaseFile.stop())
  try {
    const base = { config, db, clock, logger }
    const fleet = await joinFleet({ ...base, instanceLockWaitMs: overrides.instanceLockWaitMs }, stack)
    const semantic = createEmbeddings(base, stack)
    const knowledge = await startKnowledge({ ...base, semantic }, stack)
    // The demo's week of history (an empty database only), before the live outbox and channel start: nothing of it is sent now.
    const demoHistory = config.demo.simulateCustomers && !overrides.puppet ? await seedDemoHistory({ ...base, knowledge }) : undefined
    const { channel, handle } = await createChannel({ ...base, puppet: overrides.puppet })
    // Cached; on PostgreSQL other instances' changes arrive through relayAcrossFleet (startReplies), the max age a backstop.
    const settings = createSettingsService({ db, clock, instanceId: config.instanceId, ...(config.databaseUrl ? { maxAgeMs: SETTINGS_MAX_AGE_MS } : {}) })
    const replies = await startReplies({ ...base, channel, settings }, stack)
    const { suggestions, outbox } = replies
    stack.defer(acknowledgeHandoffs({ db, outbox, settings: () => settings.get(), subscribe: suggestions.subscribe, logger }))
    // Re-tags wait while messages wait to be read or handled (the pipeline is built after tagging).
    let inboundBacklog = () => channel.backlog()
    const { tagging, tagActions } = await startTagging({ ...base, suggestions, settings, jobClaims: fleet.jobClaims, busy: () => inboundBacklog() > 0 }, stack)
    const drafter = startAiDrafter({ ...base, suggestions }, stack)
    const pipeline = createInboundPipeline({ ...base, knowledge, replies, settings, drafter, semantic })
    inboundBacklog = () => channel.backlog() + pipeline.backlog()
    // After a burst V8 keeps the old space it grew to; one full GC once idle gives it back.
    stack.defer(startHeapCompaction({ busy: () => inboundBacklog() > 0, logger }))
    const members = createMemberService({ db, clock, logger })
    // Erasure finds a question's cached vector by the text the embedding provider was given: normalised with the knowledge in use.
    const directory = createMemberDirectory({
      db, clock, utcOffsetMinutes: config.utcOffsetMinutes, questionVectorHashes: (text) => questionVectorHashes(knowledge.current().kb)(text),
    })
    const reports = createReportService({ db, clock, utcOffsetMinutes: config.utcOffsetMinutes })
    const wecomInbox = createWecomCallbackInbox({ db, clock, logger })
    const web = await startHttp({ ...base, channel, knowledge, suggestions, settings, reports, directory, tagging, tagActions, wecomInbox, databaseFile, semantic }, stack)
    const syncMembers = memberSync({ channel, groups: fleet.groups, members, logger, tagging })
    const demo = await connectInbound({ config, logger, channel, handle, pipeline, knowledge, members, tagging, groups: fleet.groups, outbox, syncMembers }, stack)
    const wecom = await startWecom({ ...base, inbox: wecomInbox, pipeline, members, tagging, suggestions, channel, databaseFile }, stack)
    const scheduler = startJobs({
      ...base, jobClaims: fleet.jobClaims, pipeline, outbox, suggestions, slots: replies.slots, settings, reports, syncMembers, tagActions,
      wecomInbox, wecomProcessor: wecom.processor, webhook: wecom.webhook,
    }, stack)

    logger.info({ url: web.url, puppet: config.puppet.kind, demo: config.demo.enabled }, 'QunDesk started')
    return {
      url: web.url, apiToken: web.apiToken, db, http: web.http, channel, knowledge, suggestions, learning: web.learning, auth: web.auth,
      pipeline, members, demo, demoHistory, demoAdmin: web.demoAdmin, logger, tagging, tagActions, directory, wecomInbox,
      wecomProcessor: wecom.processor, scheduler, instanceId: fleet.instanceId,
      stop: () => stack.stopAll(),
    }
  } catch (error) {
    await stack.stopAll()
    throw error
  }
}
