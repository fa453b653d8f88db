import type { PuppetMock } from 'wechaty-puppet-mock'
import { createAnnouncedMessages } from '../channels/wechaty/announced-messages.js'
import { probeEndpoint } from '../channels/wechaty/connection-state.js'
import { createPuppet, type PuppetHandle } from '../channels/wechaty/create-puppet.js'
import { createDemoGroup, type DemoGroup } from '../channels/wechaty/demo/demo-group.js'
import { createWechatyChannel, type WechatyChannel } from '../channels/wechaty/wechaty-channel.js'
import type { Config } from '../config/load-config.js'
import type { Clock } from '../core/clock.js'
import type { Logger } from '../core/logger.js'
import type { SemanticHelp } from '../embeddings/semantic-help.js'
import type { GroupClaims } from '../fleet/group-claims.js'
import { createMatcherRuntime, type LoadedKnowledge, type MatcherRuntime } from '../nlu/matcher-runtime.js'
import type { MemberService } from '../members/member-service.js'
import { syncRosters } from '../members/sync-rosters.js'
import type { Outbox } from '../outbox/outbox.js'
import { analyzeEmotion } from '../pipeline/analyze-emotion.js'
import { createMessagePipeline, type MessagePipeline } from '../pipeline/create-message-pipeline.js'
import { detectQuestion } from '../pipeline/detect-question.js'
import { escalate } from '../pipeline/escalate.js'
import { fillSlots } from '../pipeline/fill-slots.js'
import { handOverMedia } from '../pipeline/hand-over-media.js'
import { ignoreSelf } from '../pipeline/ignore-self.js'
import { matchIntent } from '../pipeline/match-intent.js'
import { requireSlots } from '../pipeline/require-slots.js'
import { noticeUpset } from '../pipeline/notice-upset.js'
import { skipUnservedGroups } from '../pipeline/skip-unserved-groups.js'
import { createAttentionItems } from '../suggestions/attention-items.js'
import type { SettingsService } from '../settings/settings-service.js'
import { suggestReply } from '../pipeline/suggest-reply.js'
import { requestAiDraft } from '../pipeline/request-ai-draft.js'
import type { AiDrafter } from '../drafting/ai-drafter.js'
import type { Db } from '../storage/create-db.js'
import { listLearnedExamples } from '../storage/learned-example.repository.js'
import { countRecentMisses, findPendingMediaItem } from '../storage/suggestion.repository.js'
import { mentionedBotSince } from '../storage/message.repository.js'
import type { TaggingService } from '../tagging/tagging-service.js'
import type { Replies } from './replies.js'
import type { StopStack } from './stop-stack.js'

/** The knowledge base and its trained matcher, swapped on each valid edit; agents' intent fixes train it too. */
export async function startKnowledge(deps: { config: Readonly<Config>; db: Db; logger: Logger; semantic?: SemanticHelp | undefined }, stack: StopStack): Promise<MatcherRuntime> {
  const learnedExamples = async () => (await listLearnedExamples(deps.db)).map((r) => ({ intentId: r.intent_id, text: r.text }))
  const { semantic } = deps
  // Each version's examples are embedded in the background as it comes into use (only the ones not cached yet).
  const onLoaded = semantic ? ({ kb, extraExamples }: LoadedKnowledge) => void semantic.prepare(kb, extraExamples) : undefined
  const knowledge = createMatcherRuntime({ dir: deps.config.knowledgeDir, logger: deps.logger, extraExamples: learnedExamples, ...(onLoaded ? { onLoaded } : {}) })
  await knowledge.start()
  stack.defer(() => knowledge.stop())
  return knowledge
}

/** The account's Wechaty channel on the configured puppet (or the caller's: tests pass a mock or a service client). */
export async function createChannel(deps: { config: Readonly<Config>; db: Db; clock: Clock; logger: Logger; puppet?: PuppetHandle['puppet'] | undefined }): Promise<{ channel: WechatyChannel; handle: PuppetHandle }> {
  const { config } = deps
  const handle: PuppetHandle = deps.puppet ? { puppet: deps.puppet } : await createPuppet(config.puppet)
  const endpoint = config.puppet.kind === 'service' ? config.puppet.endpoint : undefined
  // Announced ids belong to this instance: only its own puppet can give their payloads after a restart.
  const announced = config.replayAnnounced
    ? createAnnouncedMessages({ db: deps.db, instanceId: config.instanceId, channel: 'wechaty', clock: deps.clock, logger: deps.logger })
    : undefined
  const channel = createWechatyChannel({
    puppet: handle.puppet, logger: deps.logger, clock: deps.clock, mediaMaxBytes: config.mediaMaxBytes,
    ...(endpoint ? { probe: probeEndpoint(endpoint) } : {}), ...(announced ? { announced } : {}),
  })
  return { channel, handle }
}

/** The per-message steps, in order, under the pipeline's one error boundary. */
export function createInboundPipeline(deps: {
  config: Readonly<Config>; db: Db; clock: Clock; logger: Logger; knowledge: MatcherRuntime; replies: Replies; settings: SettingsService
  /** The optional AI drafter (QUNDESK_LLM_URL); without it no draft is asked for. */
  drafter?: AiDrafter | undefined
  /** The optional embedding provider's help (QUNDESK_EMBEDDINGS_URL); absent: the offline matcher alone. */
  semantic?: SemanticHelp | undefined
}): MessagePipeline {
  const { drafter } = deps
  const { config, db, clock, knowledge, replies } = deps
  const currentKnowledge = () => knowledge.current().kb
  return createMessagePipeline({
    db,
    clock,
    logger: deps.logger,
    instanceId: config.instanceId,
    commit: replies.commit,
    steps: [
      ignoreSelf,
      analyzeEmotion,
      skipUnservedGroups({ servedGroups: async () => (await deps.settings.get()).servedGroups, instanceId: config.instanceId }),
      fillSlots({ slots: replies.slots, suggestions: replies.suggestions, currentKnowledge }),
      noticeUpset({ attention: createAttentionItems({ db, clock, notify: replies.suggestions.notify }) }),
      handOverMedia({
        suggestions: replies.suggestions,
        mentionedBotSince: (groupId, memberId, since, before) => mentionedBotSince(db, groupId, memberId, since.toISOString(), before.toISOString()),
        hasPendingMediaItem: async (groupId, memberId) => (await findPendingMediaItem(db, groupId, memberId)) !== undefined,
      }),
      detectQuestion,
      matchIntent(() => knowledge.current(), deps.semantic ? (kb, question, lexical) => deps.semantic!.rank(kb, question, lexical) : undefined),
      escalate({ currentKnowledge, previousMisses: (memberId, groupId) => countRecentMisses(db, memberId, groupId) }),
      requireSlots({ slots: replies.slots, currentKnowledge, clock, utcOffsetMinutes: config.utcOffsetMinutes }),
      suggestReply({ suggestions: replies.suggestions, currentKnowledge }),
      ...(drafter ? [requestAiDraft({ drafter, optedInGroups: async () => (await deps.settings.get()).aiDraftGroups, currentKnowledge })] : []),
    ],
  })
}

/**
 * Connects the channel to the pipeline and the member records, then handles what the last run left: messages
 * stored but not handled. The demo group (QUNDESK_DEMO) logs in here. Shutdown: no new messages (channel), then
 * the messages in hand finish.
 */
export async function connectInbound(
  deps: {
    config: Readonly<Config>; logger: Logger; channel: WechatyChannel; handle: PuppetHandle; pipeline: MessagePipeline; knowledge: MatcherRuntime
    members: MemberService; tagging: TaggingService; groups: GroupClaims; outbox: Outbox; syncMembers: MemberSync
  },
  stack: StopStack,
): Promise<DemoGroup | undefined> {
  const { config, logger, channel, pipeline, tagging, groups } = deps
  const demo = deps.handle.mocker && config.demo.enabled
    ? createDemoGroup({ mocker: deps.handle.mocker, puppet: deps.handle.puppet as PuppetMock, botName: config.botName, logger })
    : undefined
  let retaggedAtStart = false
  await channel.start({
    // Stored (acknowledged) before the channel takes the next one in; matching runs behind, in the pipeline.
    message: async (message) => {
      await groups.claim(message.groupId)
      const accepted = await pipeline.accept(message)
      if (accepted === 'accepted' && !message.fromSelf) tagging.queueRetag(message.groupId, message.senderId)
      // 'ignored': shutting down, not stored; its announced id waits for the next start.
      return accepted !== 'ignored'
    },
    membership: async (event) => {
      await groups.claim(event.groupId)
      await deps.members.record(event)
      for (const member of event.members) tagging.queueRetag(event.groupId, member.id)
    },
    // After the sync everyone has a membership row; a full re-tag brings tags up to date with the rules. Later
    // ready events (reconnects) only sync: joins and leaves may have been missed, the rules have not changed.
    ready: async () => {
      // The first sync's changes are re-tagged by the full re-tag that follows; later ones re-tag what they changed.
      await deps.syncMembers({ retag: retaggedAtStart })
      deps.outbox.kick()
      if (retaggedAtStart) return
      retaggedAtStart = true
      void tagging.retagAll().catch((error: unknown) => logger.error({ err: error }, 'full re-tag failed'))
    },
  })
  stack.defer(() => pipeline.drain())
  stack.defer(() => channel.stop())
  if (demo) {
    await demo.login()
    if (config.demo.simulateCustomers) demo.startCustomers(config.demo.intervalSeconds)
    stack.defer(() => demo.stop())
  }
  await pipeline.replayUnhandled()
  deps.knowledge.watch()
  return demo
}

/** A member sync; `retag` (default true): re-tag the memberships it changed. */
export type MemberSync = (options?: { retag?: boolean }) => Promise<void>

/** Beyond this many changed memberships one full re-tag (set-based, streamed) beats re-tagging each. */
const RETAG_EACH_LIMIT = 500

/** The member sync the channel's ready event and the hourly job run. */
export function memberSync(deps: {
  channel: WechatyChannel; groups: GroupClaims; members: MemberService; logger: Logger
  tagging?: Pick<TaggingService, 'queueRetag' | 'retagAll'>
}): MemberSync {
  return async (options) => {
    const tagging = options?.retag === false ? undefined : deps.tagging
    const changed: Array<[string, string[]]> = []
    let count = 0
    await syncRosters({
      rosters: () => deps.channel.rosters(), claim: deps.groups.claim, members: deps.members, logger: deps.logger,
      // Kept as ids only until the end, and only up to the limit: past it a full re-tag runs instead.
      ...(tagging ? { changed: (groupId: string, ids: string[]) => { count += ids.length; if (count <= RETAG_EACH_LIMIT) changed.push([groupId, ids]) } } : {}),
    })
    if (!tagging || count === 0) return
    if (count > RETAG_EACH_LIMIT) {
      void tagging.retagAll().catch((error: unknown) => deps.logger.error({ err: error }, 'full re-tag after the member sync failed'))
      return
    }
    for (const [groupId, ids] of changed) for (const id of ids) tagging.queueRetag(groupId, id)
  }
}
