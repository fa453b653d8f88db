import type { WechatyChannel } from '../channels/wechaty/wechaty-channel.js'
import { createWebhookSender, type WebhookSender } from '../channels/wecom/webhook-sender.js'
import { createWecomApiClient } from '../channels/wecom/wecom-api-client.js'
import type { WecomCallbackInbox } from '../channels/wecom/wecom-callback-inbox.js'
import { createWecomCallbackProcessor, type WecomCallbackProcessor } from '../channels/wecom/wecom-callback-processor.js'
import type { Config } from '../config/load-config.js'
import type { Clock } from '../core/clock.js'
import type { Logger } from '../core/logger.js'
import type { MemberService } from '../members/member-service.js'
import { notifyAgents } from '../notifications/agent-notifier.js'
import type { DatabaseFileWatch } from '../notifications/database-file-watch.js'
import { watchOffline } from '../notifications/offline-notifier.js'
import type { MessagePipeline } from '../pipeline/create-message-pipeline.js'
import type { Db } from '../storage/create-db.js'
import { countOutboxByStatus } from '../storage/outbox.repository.js'
import type { SuggestionService } from '../suggestions/suggestion-service.js'
import type { TaggingService } from '../tagging/tagging-service.js'
import type { StopStack } from './stop-stack.js'

export interface Wecom {
  processor: WecomCallbackProcessor
  /** The agents' group robot, when QUNDESK_WECOM_WEBHOOK_KEY is set. */
  webhook: WebhookSender | undefined
}

/**
 * WeCom's official side: verified callbacks (stored by the HTTP routes before they are acknowledged) are processed
 * into the same pipeline and member records, including deliveries acknowledged before a crash; the agents' group
 * robot hears about escalations and a long-offline account.
 */
export async function startWecom(
  deps: {
    config: Readonly<Config>; db: Db; clock: Clock; logger: Logger; inbox: WecomCallbackInbox; pipeline: MessagePipeline
    members: MemberService; tagging: TaggingService; suggestions: SuggestionService; channel: WechatyChannel
    databaseFile: DatabaseFileWatch | undefined
  },
  stack: StopStack,
): Promise<Wecom> {
  const { config, db, clock, logger, inbox, tagging } = deps
  const { wecomOfficial } = config
  const api = wecomOfficial.api ? createWecomApiClient({ ...wecomOfficial.api, clock, logger }) : undefined
  const processor = createWecomCallbackProcessor({
    db, clock, logger, inbox, members: deps.members, api,
    aibotEncodingAesKey: wecomOfficial.aibot?.encodingAesKey, mediaMaxBytes: config.mediaMaxBytes,
    handleMessage: async (message) => {
      await deps.pipeline.handle(message)
      tagging.queueRetag(message.groupId, message.senderId)
    },
    membersChanged: (groupId, memberIds) => { for (const id of memberIds) tagging.queueRetag(groupId, id) },
  })
  stack.defer(inbox.subscribe(({ id }) => processor.process(id)))
  const replayed = await processor.replay()
  if (replayed > 0) logger.info({ replayed }, 'WeCom callbacks processed after restart')

  const webhook = wecomOfficial.webhook ? createWebhookSender({ ...wecomOfficial.webhook, clock, logger }) : undefined
  stack.defer(watchOffline({
    channel: deps.channel, minutes: config.offlineAlertMinutes, logger, queued: async () => (await countOutboxByStatus(db)).queued,
    ...(webhook ? { send: (text: string) => webhook.sendText(text) } : {}),
  }))
  if (webhook) {
    // Changes relayed from other instances are told by the instance that made them.
    stack.defer(notifyAgents({ subscribe: (listener) => deps.suggestions.subscribe((event) => { if (!event.remote) listener(event) }), send: (text) => webhook.sendText(text), logger }))
    stack.defer(() => webhook.stop())
    if (deps.databaseFile) {
      stack.defer(deps.databaseFile.onLost((problem) => {
        webhook.sendText(`【数据库告警】${problem}`).catch((error: unknown) => logger.warn({ err: error }, 'could not tell the agents\' group that the database file is gone'))
      }))
    }
  }
  return { processor, webhook }
}
