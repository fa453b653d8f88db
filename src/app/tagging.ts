import type { Config } from '../config/load-config.js'
import type { Clock } from '../core/clock.js'
import type { Logger } from '../core/logger.js'
import type { JobClaims } from '../fleet/job-claims.js'
import { createScheduler, type Scheduler } from '../scheduler/create-scheduler.js'
import type { SettingsService } from '../settings/settings-service.js'
import type { Db } from '../storage/create-db.js'
import type { SuggestionService } from '../suggestions/suggestion-service.js'
import { createRulesSource } from '../tagging/rules-source.js'
import { createTagActionRunner, type TagActionRunner } from '../tagging/tag-action-runner.js'
import { createTaggingService, type TaggingService } from '../tagging/tagging-service.js'
import type { StopStack } from './stop-stack.js'

/** Re-tag everyone at 03:00 when the rules do not say otherwise. */
export const DEFAULT_RETAG_SCHEDULE = '0 3 * * *'

export interface Tagging {
  tagging: TaggingService
  tagActions: TagActionRunner
}

/**
 * Member tagging from the rules folder: the tagging service (re-tags on events and in full), the welcome/care
 * actions it queues into the approval queue, and the full re-tag on the rules' own `schedule:`. A valid rules edit
 * is swapped in, with its schedule; a missing folder means tagging is off.
 */
export async function startTagging(
  deps: {
    config: Readonly<Config>; db: Db; clock: Clock; logger: Logger; suggestions: SuggestionService; settings: SettingsService; jobClaims: JobClaims
    /** Inbound messages are waiting to be handled (queued re-tags wait for them). */
    busy?: () => boolean
  },
  stack: StopStack,
): Promise<Tagging> {
  const { config, db, clock, logger } = deps
  const rulesSource = createRulesSource({ dir: config.rulesDir, logger })
  const rules = await rulesSource.start()
  stack.defer(() => rulesSource.stop())
  // The runner reads the rules in force when it runs, which the service swaps on an edit.
  let current: TaggingService | undefined
  const tagActions = createTagActionRunner({
    db, clock, logger, suggestions: deps.suggestions, rules: () => current?.rules(),
    outreachPerGroupPerHour: async () => (await deps.settings.get()).outreachPerGroupPerHour,
  })
  const tagging = createTaggingService({
    db, clock, logger, rules, utcOffsetMinutes: config.utcOffsetMinutes, ...(deps.busy ? { busy: deps.busy } : {}),
    afterRetag: async ({ actionsQueued }) => { if (actionsQueued > 0) await tagActions.run() },
  })
  current = tagging
  stack.defer(() => tagging.stop())

  let retag: { schedule: string; scheduler: Scheduler | undefined } = { schedule: '', scheduler: undefined }
  const scheduleRetag = async (schedule: string) => {
    if (schedule === retag.schedule) return
    await retag.scheduler?.stop()
    const scheduler = createScheduler([{ name: 'retag-members', schedule, run: () => tagging.retagAll() }], logger, { utcOffsetMinutes: config.utcOffsetMinutes, claims: deps.jobClaims, now: clock })
    retag = { schedule, scheduler }
  }
  if (rules) await scheduleRetag(rules.schedule ?? DEFAULT_RETAG_SCHEDULE)
  stack.defer(() => retag.scheduler?.stop())
  rulesSource.watch(async (next) => {
    await scheduleRetag(next.schedule ?? DEFAULT_RETAG_SCHEDULE)
    await tagging.useRules(next)
  })
  return { tagging, tagActions }
}
