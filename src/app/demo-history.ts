import { DEMO_GROUPS, type DemoPerson } from '../channels/wechaty/demo/demo-script.js'
import { DEMO_HISTORY_DAYS, DEMO_JOIN_DAYS_AGO, demoHistory, type DemoHistoryEntry } from '../channels/wechaty/demo/demo-history-script.js'
import type { Config } from '../config/load-config.js'
import type { Clock } from '../core/clock.js'
import type { Logger } from '../core/logger.js'
import type { ReplySender } from '../core/reply-sender.js'
import { createMemberService } from '../members/member-service.js'
import type { MatcherRuntime } from '../nlu/matcher-runtime.js'
import { createOutbox, UNPACED } from '../outbox/outbox.js'
import { outboxSender } from '../outbox/outbox-sender.js'
import { createSettingsService } from '../settings/settings-service.js'
import { createSlotService } from '../slots/slot-service.js'
import { commitAlone } from '../storage/commit-together.js'
import type { Db } from '../storage/create-db.js'
import { countMessages } from '../storage/message.repository.js'
import { createSuggestionService } from '../suggestions/suggestion-service.js'
import type { Suggestion } from '../suggestions/suggestion.js'
import { createRulesSource } from '../tagging/rules-source.js'
import { createTagActionRunner } from '../tagging/tag-action-runner.js'
import { createTaggingService } from '../tagging/tagging-service.js'
import { createInboundPipeline } from './inbound.js'

export interface DemoHistorySummary {
  days: number
  questions: number
  decisions: number
  retags: number
  ms: number
}

const DAY_MS = 86_400_000
const MINUTE_MS = 60_000
/** The agents of the demo's history (names only: they decide, they never log in). */
const AGENTS = ['小王', '小李'] as const

/**
 * A week of demo history on an empty database, so the reports and member charts have something to show in the first
 * five minutes. It is written by the real services on a clock set to the past: members join (events), customers ask
 * (the message pipeline: match, escalate, follow-up questions, suggestions, auto-send), agents decide (send, edit,
 * answer, reject, leave waiting) and tags are re-computed at each day's end (tag history, daily counts, welcome and
 * care actions). Nothing reaches the demo group now: these services send through an outbox whose sender only
 * records (the replies went out "back then"), and it runs before the live outbox starts. Never on a database that
 * has any message (a restart, a real account's data): returns undefined then.
 *
 * @example
 * const seeded = await seedDemoHistory({ config, db, clock, logger, knowledge })   // { days: 7, questions: 55, ... }
 */
export async function seedDemoHistory(deps: { config: Readonly<Config>; db: Db; clock: Clock; logger: Logger; knowledge: MatcherRuntime }): Promise<DemoHistorySummary | undefined> {
  const { config, db } = deps
  if ((await countMessages(db)) > 0) return undefined
  const started = Date.now()
  const now = deps.clock()
  const log = deps.logger.child({ component: 'demo-history' })
  // The services below log as they would live; the week's hundreds of lines would bury the start-up.
  const quiet = log.child({}, { level: 'warn' })
  let at = now.getTime() - DEMO_HISTORY_DAYS * DAY_MS
  const clock: Clock = () => new Date(at)
  const offsetMs = config.utcOffsetMinutes * MINUTE_MS
  // Local midnight `daysAgo` days before now, as a UTC instant.
  const midnight = (daysAgo: number) => Math.floor((now.getTime() + offsetMs) / DAY_MS - daysAgo) * DAY_MS - offsetMs

  const recordOnly: ReplySender = { sendToGroup: async () => undefined }
  const outbox = createOutbox({ db, clock, logger: quiet, sender: recordOnly, options: UNPACED, instanceId: config.instanceId })
  const suggestions = createSuggestionService({ db, outbox, clock, logger: quiet })
  outbox.handle('suggestion', suggestions.onSendOutcome)
  const slots = createSlotService({ db, sender: outboxSender(outbox, { kind: 'slot', actor: 'bot' }), suggestions, clock, logger: quiet, utcOffsetMinutes: config.utcOffsetMinutes })
  const settings = createSettingsService({ db, clock })
  const pipeline = createInboundPipeline({ config, db, clock, logger: quiet, knowledge: deps.knowledge, replies: { outbox, suggestions, slots, commit: commitAlone(db) }, settings })
  const members = createMemberService({ db, clock, logger: quiet })
  const rulesSource = createRulesSource({ dir: config.rulesDir, logger: quiet })
  const rules = await rulesSource.start().catch(() => undefined)
  rulesSource.stop()
  const tagging = createTaggingService({ db, clock, logger: quiet, rules, utcOffsetMinutes: config.utcOffsetMinutes })
  const tagActions = createTagActionRunner({ db, clock, logger: quiet, suggestions, rules: () => rules, outreachPerGroupPerHour: async () => (await settings.get()).outreachPerGroupPerHour })

  // Every suggestion written while seeding, by message id: the agent decides on what the pipeline made of the question.
  const byMessage = new Map<string, Suggestion>()
  const created: Suggestion[] = []
  const unsubscribe = suggestions.subscribe((event) => {
    byMessage.set(event.suggestion.messageId, event.suggestion)
    if (event.type === 'created') created.push(event.suggestion)
  })
  const summary = { questions: 0, decisions: 0, retags: 0 }
  const groupOf = (groupKey: DemoHistoryEntry['group']) => DEMO_GROUPS[groupKey]
  const personOf = (groupKey: DemoHistoryEntry['group'], id: string): DemoPerson => groupOf(groupKey).customers.find((c) => c.id === id)!
  let sequence = 0

  const say = async (entry: DemoHistoryEntry, text: string, mention: boolean): Promise<string> => {
    const group = groupOf(entry.group)
    const customer = personOf(entry.group, entry.customerId)
    sequence += 1
    const id = `wechaty:demo-history-${sequence}`
    await pipeline.handle({
      id, channel: 'wechaty', groupId: group.id, groupName: group.topic, senderId: customer.id, senderName: customer.name,
      text: mention ? `@${config.botName}\u2005${text}` : text, question: text, mentionsBot: mention, fromSelf: false, sentAt: new Date(at),
    })
    return id
  }

  const decide = async (entry: DemoHistoryEntry, suggestion: Suggestion | undefined, agent: string): Promise<void> => {
    if (!suggestion || suggestion.status !== 'pending' || entry.agent === 'wait') return
    at += entry.responseMinutes * MINUTE_MS
    const draft = suggestion.text
    if (entry.agent === 'reject') await suggestions.reject(suggestion.id, { actor: agent, reason: '闲聊，不需要回复' })
    else if (entry.agent === 'edit' && draft) await suggestions.send(suggestion.id, { actor: agent, text: `${draft}${entry.reply ?? ''}` })
    else if (draft && entry.agent !== 'answer') await suggestions.send(suggestion.id, { actor: agent })
    else await suggestions.send(suggestion.id, { actor: agent, text: entry.reply ?? `${suggestion.memberName}您好，已经帮您查到了，稍后给您详细回复～` })
    summary.decisions += 1
  }

  try {
    // Members joined over the last weeks (exact join events, so none counts as estimated).
    const joins = Object.entries(DEMO_JOIN_DAYS_AGO).sort(([, a], [, b]) => b - a)
    const recordJoin = async (memberId: string, daysAgo: number) => {
      const groupKey = (Object.keys(DEMO_GROUPS) as Array<DemoHistoryEntry['group']>).find((key) => groupOf(key).customers.some((c) => c.id === memberId))!
      const group = groupOf(groupKey)
      const joinedAt = new Date(now.getTime() - daysAgo * DAY_MS)
      at = Math.max(at, joinedAt.getTime())
      await members.record({ kind: 'join', channel: 'wechaty', groupId: group.id, groupName: group.topic, members: [personOf(groupKey, memberId)], at: joinedAt })
    }
    at = now.getTime() - (joins[0]?.[1] ?? DEMO_HISTORY_DAYS) * DAY_MS
    for (const [memberId, daysAgo] of joins) if (daysAgo > DEMO_HISTORY_DAYS) await recordJoin(memberId, daysAgo)

    const history = demoHistory()
    for (const [index, entries] of history.entries()) {
      const daysAgo = DEMO_HISTORY_DAYS - index
      const dayStart = midnight(daysAgo)
      at = Math.max(at, dayStart)
      for (const [i, entry] of entries.entries()) {
        const askAt = dayStart + entry.minute * MINUTE_MS
        for (const [memberId, joinedDaysAgo] of joins) {
          const joinedAt = now.getTime() - joinedDaysAgo * DAY_MS
          if (joinedDaysAgo <= DEMO_HISTORY_DAYS && joinedAt > at - MINUTE_MS && joinedAt <= askAt) await recordJoin(memberId, joinedDaysAgo)
        }
        at = Math.max(at, askAt)
        const agent = AGENTS[(index + i) % AGENTS.length]!
        let messageId = await say(entry, entry.text, true)
        summary.questions += 1
        if (entry.followUp) {
          // The bot asked for the order number; the customer answers two minutes later, without @.
          at += 2 * MINUTE_MS
          messageId = await say(entry, entry.followUp, false)
        }
        await decide(entry, byMessage.get(messageId), agent)
      }
      // The nightly re-tag, at the day's end: tag history, the day's tag counts, welcome and care actions.
      at = Math.max(at, dayStart + (23 * 60 + 50) * MINUTE_MS)
      await tagging.retagAll()
      summary.retags += 1
      await tagActions.run()
      // Outreach gets sent by an agent a little later the next morning; reminders are looked at and dismissed.
      const actions = created.filter((s) => (s.kind === 'outreach' || s.kind === 'reminder') && byMessage.get(s.messageId)?.status === 'pending')
      for (const [i, action] of actions.entries()) {
        // (never past the demo's start: yesterday's are decided before it)
        at = Math.max(at, Math.min(dayStart + DAY_MS + (8 * 60 + 40 + i * 5) * MINUTE_MS, now.getTime() - MINUTE_MS))
        const agent = AGENTS[i % AGENTS.length]!
        if (action.kind === 'outreach') await suggestions.send(action.id, { actor: agent })
        else await suggestions.reject(action.id, { actor: agent, reason: '已跟进' })
        summary.decisions += 1
      }
    }
  } finally {
    unsubscribe()
    await pipeline.drain()
    await tagging.stop()
    await outbox.stop()
  }
  const result = { days: DEMO_HISTORY_DAYS, ...summary, ms: Date.now() - started }
  log.info(result, `demo: seeded ${result.days} days of history (${result.questions} questions, ${result.decisions} agent decisions, ${result.retags} nightly re-tags) in ${result.ms} ms`)
  return result
}
