import type { WecomCallbackInbox } from '../channels/wecom/wecom-callback-inbox.js'
import type { WecomCallbackProcessor } from '../channels/wecom/wecom-callback-processor.js'
import type { WebhookSender } from '../channels/wecom/webhook-sender.js'
import type { Config } from '../config/load-config.js'
import type { Clock } from '../core/clock.js'
import type { Logger } from '../core/logger.js'
import { escalateOverdue } from '../escalation/sla-escalation.js'
import type { JobClaims } from '../fleet/job-claims.js'
import { createMessageTakeover } from '../fleet/message-takeover.js'
import { sendDailyDigest } from '../notifications/daily-digest.js'
import { alertLongWaits } from '../notifications/long-wait-alert.js'
import type { Outbox } from '../outbox/outbox.js'
import type { MessagePipeline } from '../pipeline/create-message-pipeline.js'
import { createRetention } from '../privacy/retention.js'
import type { ReportService } from '../reports/report-service.js'
import { createScheduler, type Job, type Scheduler } from '../scheduler/create-scheduler.js'
import type { SettingsService } from '../settings/settings-service.js'
import type { Db } from '../storage/create-db.js'
import type { SlotService } from '../slots/slot-service.js'
import type { SuggestionService } from '../suggestions/suggestion-service.js'
import type { StopStack } from './stop-stack.js'

/**
 * The scheduled jobs (times in QUNDESK_UTC_OFFSET). Each cron tick of a fleet-wide job runs on one instance; a run
 * a dead instance left unfinished is taken over. The full re-tag has its own schedule, from the rules (app/tagging.ts).
 */
export function startJobs(
  deps: {
    config: Readonly<Config>; db: Db; clock: Clock; logger: Logger; jobClaims: JobClaims; pipeline: MessagePipeline; outbox: Outbox
    suggestions: SuggestionService; slots: SlotService; settings: SettingsService; reports: ReportService; syncMembers: () => Promise<void>
    tagActions: { run(): Promise<unknown> }; wecomInbox: WecomCallbackInbox; wecomProcessor: WecomCallbackProcessor; webhook: WebhookSender | undefined
  },
  stack: StopStack,
): Scheduler {
  const { config, db, clock, logger, settings, webhook } = deps
  const slaMinutes = async () => (await settings.get()).slaMinutes
  const retention = createRetention({ db, clock, logger, retentionDays: config.retentionDays })
  const messageTakeover = createMessageTakeover({
    db, clock, logger, instanceId: config.instanceId, replayUnhandled: () => deps.pipeline.replayUnhandled(), onDead: (dead) => deps.outbox.noteStranded(dead),
  })
  const jobs: Job[] = [
    // Questions left unanswered past the SLA go to a human.
    { name: 'sla-escalation', schedule: '* * * * *', run: async () => escalateOverdue({ db, clock, notify: deps.suggestions.notify }, await slaMinutes()) },
    // A follow-up question whose facts never came goes to an agent with the original question, never dropped.
    { name: 'slot-hand-over', schedule: '* * * * *', run: async () => { await deps.slots.handOverExpired() } },
    // Join/leave events can be missed (a restart, a dropped connection): an hourly member sync reconciles.
    { name: 'member-sync', schedule: '17 * * * *', run: deps.syncMembers, scope: 'instance' },
    // Messages a dead instance stored but never handled are handled here (every instance looks; the lock decides).
    ...(config.databaseUrl ? [{ name: 'message-takeover', schedule: '* * * * *', scope: 'instance' as const, run: () => messageTakeover.run() }] : []),
    // PIPL: content past QUNDESK_RETENTION_DAYS is blanked nightly (rows and counts stay); after the 03:00 re-tag.
    ...(config.retentionDays > 0 ? [{ name: 'retention-purge', schedule: '30 3 * * *', run: async () => { await retention.purge() } }] : []),
    // Welcome/care messages wait here when a group's hourly allowance is used up.
    { name: 'tag-actions', schedule: '* * * * *', run: () => deps.tagActions.run() },
    // A WeCom delivery whose processing failed (e.g. groupchat/get unreachable) gets up to 5 tries in all.
    { name: 'wecom-retry', schedule: '*/5 * * * *', run: async () => { if (await deps.wecomInbox.requeueFailed(5)) await deps.wecomProcessor.replay() } },
    // Items for a person waiting too long are told to the agents' group, once each.
    ...(webhook ? [{ name: 'wait-alert', schedule: '* * * * *', run: async () => { await alertLongWaits({ db, clock, minutes: (await settings.get()).waitAlertMinutes, send: (text) => webhook.sendText(text) }) } }] : []),
    // The day's figures for the agents' internal group, when a group robot is configured.
    ...(webhook ? [{ name: 'daily-digest', schedule: '0 18 * * *', run: () => sendDailyDigest({ reports: deps.reports, slaMinutes, send: (markdown) => webhook.sendMarkdown(markdown) }) }] : []),
  ]
  const scheduler = createScheduler(jobs, logger, { utcOffsetMinutes: config.utcOffsetMinutes, claims: deps.jobClaims, now: clock })
  stack.defer(() => scheduler.stop())
  return scheduler
}
