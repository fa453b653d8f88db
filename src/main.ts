import { randomBytes } from 'node:crypto'
import { sql } from 'kysely'
import type { FastifyInstance } from 'fastify'
import type { PuppetMock } from 'wechaty-puppet-mock'
import { createDemoGroup, type DemoGroup } from './channels/wechaty/demo/demo-group.js'
import { createPuppet, type PuppetHandle } from './channels/wechaty/create-puppet.js'
import { probeEndpoint } from './channels/wechaty/connection-state.js'
import { createWechatyChannel, type WechatyChannel } from './channels/wechaty/wechaty-channel.js'
import { createWecomCallbackInbox, type WecomCallbackInbox } from './channels/wecom/wecom-callback-inbox.js'
import { createAibotReplySender, routeReplies } from './channels/wecom/aibot-reply-sender.js'
import { createResponseUrlPoster } from './channels/wecom/response-url.js'
import { createWebhookSender } from './channels/wecom/webhook-sender.js'
import { createWecomApiClient } from './channels/wecom/wecom-api-client.js'
import { createWecomCallbackProcessor, type WecomCallbackProcessor } from './channels/wecom/wecom-callback-processor.js'
import { digestMarkdown, notifyAgents } from './notifications/agent-notifier.js'
import { watchOffline } from './notifications/offline-notifier.js'
import { createOutbox, OUTBOX_CHANNEL } from './outbox/outbox.js'
import { createRetention } from './privacy/retention.js'
import { queuedSender } from './outbox/queued-sender.js'
import { countOutboxByStatus } from './storage/outbox.repository.js'
import type { Config } from './config/load-config.js'
import { systemClock, type Clock } from './core/clock.js'
import { createLogger, type Logger } from './core/logger.js'
import { createAuditService } from './audit/audit-service.js'
import { createAuthService, type AuthService } from './auth/auth-service.js'
import { randomPassword } from './auth/password-hash.js'
import { createHttpServer } from './console/create-http-server.js'
import { createLearningService, type LearningService } from './learning/learning-service.js'
import { createReportService } from './reports/report-service.js'
import { createSettingsService } from './settings/settings-service.js'
import { listLearnedExamples } from './storage/learned-example.repository.js'
import { createMatcherRuntime, type MatcherRuntime } from './nlu/matcher-runtime.js'
import { createMessagePipeline, type MessagePipeline } from './pipeline/create-message-pipeline.js'
import { analyzeEmotion } from './pipeline/analyze-emotion.js'
import { detectQuestion } from './pipeline/detect-question.js'
import { escalate } from './pipeline/escalate.js'
import { fillSlots } from './pipeline/fill-slots.js'
import { requireSlots } from './pipeline/require-slots.js'
import { createSlotService } from './slots/slot-service.js'
import { createScheduler, type Scheduler } from './scheduler/create-scheduler.js'
import { createJobClaims } from './fleet/job-claims.js'
import { startHeartbeat } from './fleet/heartbeat.js'
import { holdInstanceLock } from './fleet/instance-lock.js'
import { createMessageTakeover } from './fleet/message-takeover.js'
import { EVENTS_CHANNEL, relaySuggestionEvents } from './fleet/event-relay.js'
import { claimGroup } from './storage/fleet.repository.js'
import { listenForNotifications } from './storage/pg-listener.js'
import { createMemberService, type MemberService } from './members/member-service.js'
import { createMemberDirectory, type MemberDirectory } from './members/member-directory.js'
import { createRulesSource } from './tagging/rules-source.js'
import { createTagActionRunner, type ActionRunSummary } from './tagging/tag-action-runner.js'
import { createTaggingService, type TaggingService } from './tagging/tagging-service.js'
import { ignoreSelf } from './pipeline/ignore-self.js'
import { matchIntent } from './pipeline/match-intent.js'
import { suggestReply } from './pipeline/suggest-reply.js'
import { openDb, type Db } from './storage/create-db.js'
import { isPostgres } from './storage/dialect.js'
import { createSuggestionService, type SuggestionService } from './suggestions/suggestion-service.js'

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
  tagActions: { run(): Promise<ActionRunSummary> }
  directory: MemberDirectory
  /** Verified WeCom callbacks, stored before the acknowledgement; the processor consumes them. */
  wecomInbox: WecomCallbackInbox
  wecomProcessor: WecomCallbackProcessor
  /** Demo only: the admin account made up for this run when the database had no users. */
  demoAdmin: { name: string; password: string } | undefined
  demo: DemoGroup | undefined
  logger: Logger
  /** The scheduled jobs (fleet-wide ones run once across instances). */
  scheduler: Scheduler
  instanceId: string
  stop(): Promise<void>
}

/** Re-tag everyone at 03:00 when the rules do not say otherwise. */
export const DEFAULT_RETAG_SCHEDULE = '0 3 * * *'

export interface StartOverrides {
  logger?: Logger
  clock?: Clock
  /** A puppet built by the caller (tests: a PuppetMock with their own Mocker, or a PuppetService client). */
  puppet?: PuppetHandle['puppet']
  /** How long a start waits for its instance lock (PostgreSQL) before refusing; default 30 s. */
  instanceLockWaitMs?: number
}

/**
 * The composition root: config -> db -> knowledge -> suggestions -> pipeline -> channel -> HTTP. Nothing else
 * wires modules together.
 *
 * @example
 * const app = await startQunDesk(loadConfig(process.env))
 * console.log(app.url); await app.stop()
 */
export async function startQunDesk(config: Readonly<Config>, overrides: StartOverrides = {}): Promise<QunDesk> {
  const logger = overrides.logger ?? createLogger({ level: config.logLevel })
  const clock = overrides.clock ?? systemClock
  const db = await openDb(config, logger)
  // Closers run first to last; later steps unshift theirs, so the database is closed after everything that uses it.
  const closers: Array<() => Promise<void> | void> = [
    // Fold the WAL into the main file, so a stopped install is one file to copy.
    async () => { if (!isPostgres(db)) await sql`PRAGMA wal_checkpoint(TRUNCATE)`.execute(db) },
    () => db.destroy(),
  ]
  const { instanceId } = config
  try {
    // One process per instance id, and proof of life for the others (see instance-lock.ts). Taken before the
    // replay below, so an instance taking over this one's messages has finished first.
    if (config.databaseUrl) {
      const lock = await holdInstanceLock({ url: config.databaseUrl, instanceId, logger, ...(overrides.instanceLockWaitMs !== undefined ? { waitMs: overrides.instanceLockWaitMs } : {}) })
      closers.unshift(() => lock.stop())
    }
    closers.unshift(await startHeartbeat({ db, clock, logger, instanceId }))
    // The groups this instance's account is in: sends there are its own (outbox rows carry the owner).
    const ownGroups = new Set<string>()
    const claimOwnGroup = async (groupId: string) => {
      if (ownGroups.has(groupId)) return
      await claimGroup(db, groupId, instanceId, clock().toISOString())
      ownGroups.add(groupId)
    }
    // Agents' intent fixes are training examples too, from the first training on.
    const learnedExamples = async () => (await listLearnedExamples(db)).map((r) => ({ intentId: r.intent_id, text: r.text }))
    const knowledge = createMatcherRuntime({ dir: config.knowledgeDir, logger, extraExamples: learnedExamples })
    await knowledge.start()
    closers.unshift(() => knowledge.stop())

    const handle: PuppetHandle = overrides.puppet ? { puppet: overrides.puppet } : createPuppet(config.puppet)
    const endpoint = config.puppet.kind === 'service' ? config.puppet.endpoint : undefined
    const channel = createWechatyChannel({ puppet: handle.puppet, logger, clock, ...(endpoint ? { probe: probeEndpoint(endpoint) } : {}) })
    const { wecomOfficial } = config
    // Replies go back the way the question came: AI-bot questions through their response_url, the rest via Wechaty.
    const sender = routeReplies({
      wechaty: channel.sender,
      aibot: wecomOfficial.aibot ? createAibotReplySender({ db, clock, post: createResponseUrlPoster({ logger }) }) : undefined,
    })
    // Every send is stored first and paced; the worker waits while the account is offline.
    const outbox = createOutbox({ db, clock, logger, sender, options: config.outbox, instanceId })
    closers.unshift(() => outbox.stop())
    const suggestions = createSuggestionService({ db, outbox, clock, logger })
    if (config.databaseUrl) {
      // Other instances queue sends for this account's groups: a NOTIFY wakes the worker, a poll covers a lost one.
      // Queue changes made on any instance reach the consoles connected to this one.
      const relay = relaySuggestionEvents({ db, suggestions, instanceId, logger })
      const listener = listenForNotifications({
        url: config.databaseUrl, channels: [OUTBOX_CHANNEL, EVENTS_CHANNEL], logger,
        onNotify: (channel, payload) => {
          if (channel === EVENTS_CHANNEL) relay.receive(payload)
          else if (payload === instanceId) outbox.kick()
        },
      })
      const poll = setInterval(() => outbox.kick(), 5_000)
      poll.unref()
      closers.unshift(async () => { clearInterval(poll); relay.stop(); await listener.stop() })
    }
    const slots = createSlotService({ db, sender: queuedSender(outbox, { kind: 'slot', actor: 'bot' }), clock, logger, utcOffsetMinutes: config.utcOffsetMinutes })
    // Sends caught mid-way by the last stop are failed for an agent to check, never re-sent blindly.
    const recovered = await outbox.recover()
    if (recovered.interrupted > 0) logger.warn(recovered, 'sends interrupted by the last stop were marked failed')
    closers.unshift(channel.onStatus((status) => { if (status.state === 'online') outbox.kick() }))
    const learning = createLearningService({ db, clock, logger, knowledge: () => knowledge, suggestions })
    const auth = createAuthService({ db, clock })
    const settings = createSettingsService({ db, clock })
    const rulesSource = createRulesSource({ dir: config.rulesDir, logger })
    const rules = await rulesSource.start()
    closers.unshift(() => rulesSource.stop())
    let tagging: TaggingService | undefined
    const tagActions = createTagActionRunner({
      db, clock, logger, suggestions, rules: () => tagging?.rules(), outreachPerGroupPerHour: async () => (await settings.get()).outreachPerGroupPerHour,
    })
    tagging = createTaggingService({
      db, clock, logger, rules, utcOffsetMinutes: config.utcOffsetMinutes,
      afterRetag: async ({ actionsQueued }) => { if (actionsQueued > 0) await tagActions.run() },
    })
    const taggingService = tagging
    closers.unshift(() => taggingService.stop())
    const directory = createMemberDirectory({ db, clock, utcOffsetMinutes: config.utcOffsetMinutes })
    const pipeline = createMessagePipeline({
      db,
      clock,
      logger,
      instanceId,
      steps: [
        ignoreSelf,
        analyzeEmotion,
        fillSlots({ slots, suggestions, currentKnowledge: () => knowledge.current().kb }),
        detectQuestion,
        matchIntent(() => knowledge.current()),
        escalate({ currentKnowledge: () => knowledge.current().kb, previousMisses: suggestions.previousMisses }),
        requireSlots({ slots, currentKnowledge: () => knowledge.current().kb, clock, utcOffsetMinutes: config.utcOffsetMinutes }),
        suggestReply({ suggestions, currentKnowledge: () => knowledge.current().kb }),
      ],
    })

    const apiToken = config.apiToken ?? (config.demo.enabled ? randomBytes(18).toString('base64url') : undefined)
    const demoAdmin = config.demo.enabled && !(await auth.hasUsers()) ? { name: 'admin', password: randomPassword() } : undefined
    if (demoAdmin) await auth.addUser({ ...demoAdmin, role: 'admin', actor: 'system' })
    const wecomInbox = createWecomCallbackInbox({ db, clock, logger })
    const reports = createReportService({ db, clock, utcOffsetMinutes: config.utcOffsetMinutes })
    const retention = createRetention({ db, clock, logger, retentionDays: config.retentionDays })
    const http = createHttpServer({
      logger,
      clock,
      apiToken,
      cookieSecure: config.cookieSecure,
      trustProxy: config.trustProxy,
      rateLimit: config.rateLimit,
      suggestions,
      learning,
      auth,
      settings,
      reports,
      audit: createAuditService({ db }),
      knowledge: () => knowledge,
      wecom: config.wecom,
      wecomOfficial: config.wecomOfficial,
      wecomInbox,
      health: async () => ({
        loggedIn: channel.isLoggedIn(),
        intents: knowledge.current().kb.intents.length,
        channel: channel.status(),
        outbox: await countOutboxByStatus(db),
        // Which process answered: behind a load balancer over several instances, the one to look at.
        instance: instanceId,
      }),
      members: directory,
      tagging: taggingService,
    })
    await http.listen({ host: config.host, port: config.port })
    closers.unshift(() => http.close())
    const address = http.server.address()
    const port = typeof address === 'object' && address ? address.port : config.port
    const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`

    const demo = handle.mocker && config.demo.enabled
      ? createDemoGroup({ mocker: handle.mocker, puppet: handle.puppet as PuppetMock, botName: config.botName, logger })
      : undefined

    const members = createMemberService({ db, clock, logger })
    const syncMembers = async () => {
      for (const roster of await channel.rosters()) {
        await claimOwnGroup(roster.groupId)
        const { added, left } = await members.syncRoster(roster)
        if (added || left) logger.info({ groupId: roster.groupId, added, left }, 'member sync')
      }
    }
    let retaggedAtStart = false
    await channel.start({
      // Stored (acknowledged) before the channel takes the next one in; matching runs behind, in the pipeline.
      message: async (message) => {
        await claimOwnGroup(message.groupId)
        const accepted = await pipeline.accept(message)
        if (accepted === 'accepted' && !message.fromSelf) taggingService.queueRetag(message.groupId, message.senderId)
      },
      membership: async (event) => {
        await claimOwnGroup(event.groupId)
        await members.record(event)
        for (const member of event.members) taggingService.queueRetag(event.groupId, member.id)
      },
      // After the sync everyone has a membership row; a full re-tag brings tags up to date with the rules. Later
      // ready events (reconnects) only sync: joins and leaves may have been missed, the rules have not changed.
      ready: async () => {
        await syncMembers()
        outbox.kick()
        if (retaggedAtStart) return
        retaggedAtStart = true
        void taggingService.retagAll().catch((error: unknown) => logger.error({ err: error }, 'full re-tag failed'))
      },
    })

    // Shutdown: no new messages (channel), then the messages in hand finish, then the outbox, then the database.
    closers.unshift(() => pipeline.drain())
    closers.unshift(() => channel.stop())
    if (demo) {
      await demo.login()
      if (config.demo.simulateCustomers) demo.startCustomers(config.demo.intervalSeconds)
      closers.unshift(() => demo.stop())
    }
    await pipeline.replayUnhandled()
    knowledge.watch()

    const wecomApi = wecomOfficial.api ? createWecomApiClient({ ...wecomOfficial.api, clock, logger }) : undefined
    const wecomProcessor = createWecomCallbackProcessor({
      db, clock, logger, inbox: wecomInbox, members, api: wecomApi,
      handleMessage: async (message) => {
        await pipeline.handle(message)
        taggingService.queueRetag(message.groupId, message.senderId)
      },
      membersChanged: (groupId, memberIds) => { for (const id of memberIds) taggingService.queueRetag(groupId, id) },
    })
    closers.unshift(wecomInbox.subscribe(({ id }) => wecomProcessor.process(id)))
    // Deliveries acknowledged before a crash or restart but never processed.
    const replayed = await wecomProcessor.replay()
    if (replayed > 0) logger.info({ replayed }, 'WeCom callbacks processed after restart')
    const webhook = wecomOfficial.webhook ? createWebhookSender({ ...wecomOfficial.webhook, clock, logger }) : undefined
    closers.unshift(watchOffline({
      channel, minutes: config.offlineAlertMinutes, logger, queued: async () => (await countOutboxByStatus(db)).queued,
      ...(webhook ? { send: (text: string) => webhook.sendText(text) } : {}),
    }))
    if (webhook) {
      closers.unshift(notifyAgents({ subscribe: (listener) => suggestions.subscribe((event) => { if (!event.remote) listener(event) }), send: (text) => webhook.sendText(text), logger }))
      closers.unshift(() => webhook.stop())
    }
    // Each cron tick of a fleet-wide job runs on one instance; a run a dead instance left unfinished is taken over.
    const jobClaims = createJobClaims({ db, clock, instanceId })
    const messageTakeover = createMessageTakeover({
      db, clock, logger, instanceId, replayUnhandled: () => pipeline.replayUnhandled(), onDead: (dead) => outbox.noteStranded(dead),
    })
    const scheduler = createScheduler([
      // Questions left unanswered past the SLA go to a human.
      { name: 'sla-escalation', schedule: '* * * * *', run: async () => suggestions.escalateOverdue((await settings.get()).slaMinutes) },
      // Join/leave events can be missed (a restart, a dropped connection): an hourly member sync reconciles.
      { name: 'member-sync', schedule: '17 * * * *', run: syncMembers, scope: 'instance' },
      // Messages a dead instance stored but never handled are handled here (every instance looks; the lock decides).
      ...(config.databaseUrl ? [{ name: 'message-takeover', schedule: '* * * * *', scope: 'instance' as const, run: () => messageTakeover.run() }] : []),
      // PIPL: content past QUNDESK_RETENTION_DAYS is blanked nightly (rows and counts stay); after the 03:00 re-tag.
      ...(config.retentionDays > 0 ? [{ name: 'retention-purge', schedule: '30 3 * * *', run: async () => { await retention.purge() } }] : []),
      // Welcome/care messages wait here when a group's hourly allowance is used up.
      { name: 'tag-actions', schedule: '* * * * *', run: () => tagActions.run() },
      // A WeCom delivery whose processing failed (e.g. groupchat/get unreachable) gets up to 5 tries in all.
      { name: 'wecom-retry', schedule: '*/5 * * * *', run: async () => { if (await wecomInbox.requeueFailed(5)) await wecomProcessor.replay() } },
      // The day's figures for the agents' internal group, when a group robot is configured.
      ...(webhook ? [{ name: 'daily-digest', schedule: '0 18 * * *', run: async () => {
        const today = reports.defaultRange().to
        await webhook.sendMarkdown(digestMarkdown(await reports.report({ from: today, to: today }, { slaMinutes: (await settings.get()).slaMinutes })))
      } }] : []),
    ], logger, { utcOffsetMinutes: config.utcOffsetMinutes, claims: jobClaims, now: clock })
    closers.unshift(() => scheduler.stop())
    // The full re-tag follows the rules' own `schedule:`, which a rules edit may change.
    let retagJob = { schedule: '', scheduler: undefined as Awaited<ReturnType<typeof createScheduler>> | undefined }
    const scheduleRetag = async (schedule: string) => {
      if (schedule === retagJob.schedule) return
      await retagJob.scheduler?.stop()
      retagJob = { schedule, scheduler: createScheduler([{ name: 'retag-members', schedule, run: () => taggingService.retagAll() }], logger, { utcOffsetMinutes: config.utcOffsetMinutes, claims: jobClaims, now: clock }) }
    }
    if (rules) await scheduleRetag(rules.schedule ?? DEFAULT_RETAG_SCHEDULE)
    closers.unshift(() => retagJob.scheduler?.stop())
    rulesSource.watch(async (next) => {
      await scheduleRetag(next.schedule ?? DEFAULT_RETAG_SCHEDULE)
      await taggingService.useRules(next)
    })

    logger.info({ url, puppet: config.puppet.kind, demo: config.demo.enabled }, 'QunDesk started')
    return {
      url, apiToken, db, http, channel, knowledge, suggestions, learning, auth, pipeline, members, demo, demoAdmin, logger,
      tagging: taggingService, tagActions, directory, wecomInbox, wecomProcessor, scheduler, instanceId,
      async stop() {
        for (const close of closers.splice(0)) {
          try {
            await close()
          } catch (error) {
            logger.warn({ err: error }, 'error while stopping')
          }
        }
      },
    }
  } catch (error) {
    for (const close of closers) await Promise.resolve(close()).catch(() => undefined)
    throw error
  }
}
