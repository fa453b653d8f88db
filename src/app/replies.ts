import { routeReplies } from '../channels/route-replies.js'
import { createAibotReplySender } from '../channels/wecom/aibot-reply-sender.js'
import { createResponseUrlPoster } from '../channels/wecom/response-url.js'
import type { WechatyChannel } from '../channels/wechaty/wechaty-channel.js'
import type { Config } from '../config/load-config.js'
import type { Clock } from '../core/clock.js'
import type { Logger } from '../core/logger.js'
import { createOutbox, type Outbox } from '../outbox/outbox.js'
import { outboxSender } from '../outbox/outbox-sender.js'
import { createSlotService, type SlotService } from '../slots/slot-service.js'
import { commitTogether, type CommitTogether } from '../storage/commit-together.js'
import type { Db } from '../storage/create-db.js'
import type { SettingsService } from '../settings/settings-service.js'
import { createSuggestionService, type SuggestionService } from '../suggestions/suggestion-service.js'
import { relayAcrossFleet } from './fleet.js'
import type { StopStack } from './stop-stack.js'

export interface Replies {
  outbox: Outbox
  suggestions: SuggestionService
  slots: SlotService
  /** Shared commits for the burst's small writes: new suggestions (here) and message outcomes (the pipeline). */
  commit: CommitTogether
}

/**
 * Everything the bot says goes out here: replies go back the way the question came (AI-bot questions through their
 * response_url, the rest via Wechaty), every send is stored in the outbox first and paced, and the approval queue
 * follows its replies through it. Sends caught mid-way by the last stop are failed for an agent to check, never
 * re-sent blindly.
 */
export async function startReplies(
  deps: { config: Readonly<Config>; db: Db; clock: Clock; logger: Logger; channel: WechatyChannel; settings: SettingsService },
  stack: StopStack,
): Promise<Replies> {
  const { config, db, clock, logger, channel } = deps
  const sender = routeReplies({
    wechaty: channel.sender,
    aibot: config.wecomOfficial.aibot ? createAibotReplySender({ db, clock, post: createResponseUrlPoster({ logger }) }) : undefined,
  })
  // The worker waits while the account is offline.
  const outbox = createOutbox({ db, clock, logger, sender, options: config.outbox, instanceId: config.instanceId })
  stack.defer(() => outbox.stop())
  const commit = commitTogether(db)
  const suggestions = createSuggestionService({ db, outbox, clock, logger, commit })
  outbox.handle('suggestion', suggestions.onSendOutcome)
  relayAcrossFleet({ config, db, logger, outbox, suggestions, settings: deps.settings }, stack)
  // On SQLite this process is alone on the database, so its slot service sees every request opened (the demo's
  // seeded history is written before it starts).
  const slots = createSlotService({
    db, sender: outboxSender(outbox, { kind: 'slot', actor: 'bot' }), suggestions, clock, logger, utcOffsetMinutes: config.utcOffsetMinutes,
    opensEveryRequest: !config.databaseUrl,
  })
  const recovered = await outbox.recover()
  if (recovered.interrupted > 0) logger.warn(recovered, 'sends interrupted by the last stop were marked failed')
  stack.defer(channel.onStatus((status) => { if (status.state === 'online') outbox.kick() }))
  return { outbox, suggestions, slots, commit }
}
