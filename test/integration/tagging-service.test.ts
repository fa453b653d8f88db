import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createLogger } from '../../src/core/logger.js'
import type { ReplySender } from '../../src/core/reply-sender.js'
import { createMemberService, type MemberService } from '../../src/members/member-service.js'
import { createSettingsService } from '../../src/settings/settings-service.js'
import type { Db } from '../../src/storage/create-db.js'
import { createTestDb } from '../support/test-database.js'
import { insertMessageOnce } from '../../src/storage/message.repository.js'
import { insertSuggestion } from '../../src/storage/suggestion.repository.js'
import { createOutbox, UNPACED } from '../../src/outbox/outbox.js'
import { countRecentMisses } from '../../src/storage/suggestion.repository.js'
import { createSuggestionService, type SuggestionService } from '../../src/suggestions/suggestion-service.js'
import { loadRules } from '../../src/tagging/load-rules.js'
import type { RuleSet } from '../../src/tagging/rule-set.js'
import { createTagActionRunner } from '../../src/tagging/tag-action-runner.js'
import { createTaggingService, type TaggingService } from '../../src/tagging/tagging-service.js'

const DAY = 86_400_000
const HOUR = 3_600_000
const GROUP = 'g1@chatroom'
const logger = createLogger({ level: 'silent' })

let dir: string
let db: Db
let now: Date
const clock = () => now
let sent: Array<{ groupId: string; text: string }>
let members: MemberService
let suggestions: SuggestionService
let tagging: TaggingService
let actions: ReturnType<typeof createTagActionRunner>
let rules: RuleSet
let n = 0

async function loadFixture(name: string): Promise<RuleSet> {
  const result = await loadRules(path.join(import.meta.dirname, '..', 'fixtures', 'rules', name))
  if (!result.ok) throw new Error(JSON.stringify(result.problems))
  return result.rules
}

async function join(memberId: string, at: Date, options: { estimated?: boolean; groupId?: string } = {}) {
  const groupId = options.groupId ?? GROUP
  if (options.estimated) await members.syncRoster({ channel: 'test', groupId, groupName: '测试群', members: [{ id: memberId, name: `成员${memberId}` }] })
  else await members.record({ kind: 'join', channel: 'test', groupId, groupName: '测试群', members: [{ id: memberId, name: `成员${memberId}` }], at })
}

async function say(memberId: string, at: Date, options: { groupId?: string } = {}) {
  const id = `m${++n}`
  const groupId = options.groupId ?? GROUP
  await insertMessageOnce(db, {
    id, channel: 'test', group_id: groupId, group_name: '测试群', sender_id: memberId, sender_name: `成员${memberId}`, text: '你好', question: '你好',
    mentions_bot: 0, from_self: 0, sent_at: at.toISOString(), received_at: at.toISOString(), status: 'handled', emotion_severity: 'none', emotion_score: 0,
  })
  return id
}

async function tagsOf(memberId: string, groupId = GROUP) {
  const rows = await db.selectFrom('member_tags').select(['tag', 'source']).where('member_id', '=', memberId).where('group_id', '=', groupId).orderBy('tag').execute()
  return rows.map((r) => (r.source === 'manual' ? `${r.tag}(手动)` : r.tag))
}

async function lifecycleOf(memberId: string) {
  const row = await db.selectFrom('group_members').select('lifecycle').where('member_id', '=', memberId).executeTakeFirstOrThrow()
  return row.lifecycle
}

function start(set: RuleSet) {
  rules = set
  actions = createTagActionRunner({ db, clock, logger, suggestions, rules: () => tagging.rules(), outreachPerGroupPerHour: async () => (await createSettingsService({ db, clock }).get()).outreachPerGroupPerHour })
  tagging = createTaggingService({ db, clock, logger, rules, utcOffsetMinutes: 480, debounceMs: 5, afterRetag: async ({ actionsQueued }) => { if (actionsQueued) await actions.run() } })
}

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'qundesk-tagging-'))
  db = await createTestDb()
  now = new Date('2026-11-01T02:00:00.000Z')
  sent = []
  const sender: ReplySender = { sendToGroup: async (groupId, text) => { sent.push({ groupId, text }) } } as ReplySender
  members = createMemberService({ db, clock, logger })
  const outbox = createOutbox({ db, clock, logger, sender, options: UNPACED })
  suggestions = createSuggestionService({ db, outbox, clock, logger })
  outbox.handle('suggestion', suggestions.onSendOutcome)
  start(await loadFixture('lifecycle-actions'))
})

afterEach(async () => {
  await tagging.stop()
  await db.destroy()
  await fs.rm(dir, { recursive: true, force: true })
})

describe('join age', () => {
  it.each([
    { label: 'just now', age: 0, tagged: true },
    { label: '6 days 23 h 59 min ago', age: 6 * DAY + 23 * HOUR + 59 * 60_000, tagged: true },
    { label: 'exactly 7 days ago', age: 7 * DAY, tagged: false },
    { label: '30 days ago', age: 30 * DAY, tagged: false },
  ])('a member who joined $label is 新成员: $tagged', async ({ age, tagged }) => {
    await join('a', new Date(now.getTime() - age))
    await tagging.retagAll()
    expect((await tagsOf('a')).includes('新成员')).toBe(tagged)
  })

  it('does not call members found by a sync (estimated join time) new, and sends them no welcome', async () => {
    await join('old', now, { estimated: true })
    await tagging.retagAll()
    expect(await tagsOf('old')).toEqual([])
    expect(await suggestions.list()).toEqual([])
  })

  it('moves a member from 新成员 to 沉默 as days pass, with both changes in the history', async () => {
    await join('a', now)
    await tagging.retagAll()
    expect(await lifecycleOf('a')).toBe('新成员')
    now = new Date(now.getTime() + 7 * DAY)
    await tagging.retagAll()
    expect(await tagsOf('a')).toEqual([])
    expect(await lifecycleOf('a')).toBeNull()
    now = new Date(now.getTime() + 23 * DAY)
    await tagging.retagAll()
    expect(await tagsOf('a')).toEqual(['沉默'])
    expect(await lifecycleOf('a')).toBe('沉默')
    const history = await db.selectFrom('member_tag_history').select(['tag', 'change', 'by', 'seen']).where('member_id', '=', 'a').orderBy('id').execute()
    expect(history.map((h) => `${h.change}:${h.tag}`)).toEqual(['added:新成员', 'removed:新成员', 'added:沉默'])
    expect(history[0]!.by).toBe('rules.yaml:3')
    expect(JSON.parse(history[2]!.seen!)).toEqual({ messages_30d: 0, messages_prev_30d: 0, join_age_days: 30 })
  })
})

describe('activity windows and churn warning', () => {
  it('tags 活跃 from messages in the last 7 days and drops it when they age out', async () => {
    await join('a', new Date(now.getTime() - 60 * DAY))
    for (const h of [1, 2, 3]) await say('a', new Date(now.getTime() - h * HOUR))
    await tagging.retagAll()
    expect(await tagsOf('a')).toEqual(['活跃'])
    now = new Date(now.getTime() + 7 * DAY)
    await tagging.retagAll()
    expect(await tagsOf('a')).toEqual([])
  })

  it('warns of churn when a member who spoke 5+ times the month before goes nearly quiet, and reminds agents once', async () => {
    await join('a', new Date(now.getTime() - 90 * DAY))
    for (let i = 0; i < 6; i++) await say('a', new Date(now.getTime() - (35 + i) * DAY))
    await tagging.retagAll()
    expect(await tagsOf('a')).toEqual(['流失预警'])
    const reminders = (await suggestions.list()).filter((s) => s.kind === 'reminder')
    expect(reminders).toHaveLength(1)
    expect(reminders[0]!.question).toContain('流失预警')
    // What the rule saw, in words: no rule syntax in an agent's queue.
    expect(reminders[0]!.question).toContain('上个 30 天发言 6')
    expect(reminders[0]!.question).not.toMatch(/messages_prev_30d|=/u)
    // The same state again: no new change, no second reminder.
    await tagging.retagAll()
    await actions.run()
    expect((await suggestions.list()).filter((s) => s.kind === 'reminder')).toHaveLength(1)
  })

  it('does not warn when the previous month was already quiet (fewer than 5 messages)', async () => {
    await join('a', new Date(now.getTime() - 90 * DAY))
    for (let i = 0; i < 4; i++) await say('a', new Date(now.getTime() - (35 + i) * DAY))
    await tagging.retagAll()
    expect(await tagsOf('a')).not.toContain('流失预警')
  })

  it('re-tags one member incrementally after a message, leaving the others alone', async () => {
    await join('a', new Date(now.getTime() - 60 * DAY))
    await join('b', new Date(now.getTime() - 60 * DAY))
    await tagging.retagAll()
    for (const h of [1, 2, 3]) await say('a', new Date(now.getTime() - h * HOUR))
    for (const h of [1, 2, 3]) await say('b', new Date(now.getTime() - h * HOUR))
    tagging.queueRetag(GROUP, 'a')
    tagging.queueRetag(GROUP, 'a')
    await tagging.idle()
    expect(await tagsOf('a')).toEqual(['活跃'])
    expect(await tagsOf('b')).toEqual(['沉默'])
  })

  it('holds queued re-tags while inbound messages wait to be handled, then runs them; never past the longest wait', async () => {
    await join('a', new Date(now.getTime() - 60 * DAY))
    await tagging.retagAll()
    for (const h of [1, 2, 3]) await say('a', new Date(now.getTime() - h * HOUR))
    await tagging.stop()
    let busy = true
    tagging = createTaggingService({ db, clock, logger, rules, utcOffsetMinutes: 480, debounceMs: 5, busy: () => busy, maxDeferMs: 600_000 })
    tagging.queueRetag(GROUP, 'a')
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(await tagsOf('a')).toEqual(['沉默'])
    busy = false
    await tagging.idle()
    expect(await tagsOf('a')).toEqual(['活跃'])

    // Busy for good: the re-tag still runs once it has waited the longest wait (a week on, 活跃 goes).
    now = new Date(now.getTime() + 10 * DAY)
    await tagging.stop()
    tagging = createTaggingService({ db, clock, logger, rules, utcOffsetMinutes: 480, debounceMs: 5, busy: () => true, maxDeferMs: 20 })
    tagging.queueRetag(GROUP, 'a')
    await tagging.idle()
    expect(await tagsOf('a')).toEqual([])
  })
})

describe('CRM values, questions and manual tags', () => {
  it('tags 高净值VIP from imported spend and return rate, and 爱问物流 from questions by intent', async () => {
    await join('a', new Date(now.getTime() - 60 * DAY))
    await db.insertInto('member_attributes').values({ member_id: 'a', external_id: null, monthly_spend: 6000, total_spend: 50000, orders: 40, returns: 1, last_purchase_at: now.toISOString(), rfm_r: 5, rfm_f: 5, rfm_m: 5, imported_at: now.toISOString(), import_source: 'crm.csv' }).execute()
    for (const intent of ['logistics.track', 'logistics.urge', 'refund.apply']) {
      const messageId = await say('a', new Date(now.getTime() - HOUR))
      await insertSuggestion(db, { message_id: messageId, group_id: GROUP, group_name: '测试群', member_id: 'a', member_name: '成员a', question: 'q', kind: 'answer', intent_id: intent, score: 0.9, text: '答', status: 'sent', created_at: now.toISOString(), asked_at: now.toISOString() })
    }
    await tagging.retagAll()
    expect(await tagsOf('a')).toEqual(['活跃', '爱问物流', '高净值VIP'])
  })

  it('keeps manual tags apart: rules read them with has_tag() but never remove them', async () => {
    await join('a', new Date(now.getTime() - 90 * DAY))
    for (let i = 0; i < 6; i++) await say('a', new Date(now.getTime() - (35 + i) * DAY))
    await tagging.addManualTag({ groupId: GROUP, memberId: 'a', tag: 'VIP', actor: 'agent:小王' })
    await tagging.retagAll()
    expect(await tagsOf('a')).toEqual(['VIP(手动)', '流失预警', '重点维护'])
    now = new Date(now.getTime() + 40 * DAY)
    await tagging.retagAll()
    expect(await tagsOf('a')).toEqual(['VIP(手动)', '沉默'])
    await expect(tagging.addManualTag({ groupId: GROUP, memberId: 'a', tag: '沉默', actor: 'agent:小王' })).rejects.toMatchObject({ code: 'conflict' })
    await expect(tagging.removeManualTag({ groupId: GROUP, memberId: 'a', tag: '沉默', actor: 'agent:小王' })).rejects.toMatchObject({ code: 'not_found' })
    const audit = await db.selectFrom('audit_log').select(['action', 'actor']).where('action', 'like', 'member.%').execute()
    expect(audit).toEqual([{ action: 'member.tag_added', actor: 'agent:小王' }])
  })
})

describe('actions', () => {
  it('welcomes a new member once, through the approval queue, with the name filled in', async () => {
    await join('a', now)
    await tagging.retagMember(GROUP, 'a')
    await tagging.retagMember(GROUP, 'a')
    await tagging.retagAll()
    const queued = await suggestions.list()
    expect(queued).toHaveLength(1)
    expect(queued[0]).toMatchObject({ kind: 'outreach', status: 'pending', memberId: 'a', text: '成员a，欢迎加入！有问题随时@我。' })
    expect(sent).toEqual([])
  })

  it('auto-sends only where the rule says auto_send', async () => {
    await join('a', new Date(now.getTime() - 30 * DAY))
    await tagging.retagAll()
    expect(sent).toEqual([{ groupId: GROUP, text: '成员a，好久不见，最近有什么需要帮忙的吗？' }])
    const [suggestion] = await suggestions.list()
    expect(suggestion).toMatchObject({ kind: 'outreach', status: 'sent', decision: 'auto_sent' })
  })

  it('paces messages per group per hour; the rest wait and go out in a later hour', async () => {
    for (let i = 0; i < 5; i++) await join(`m${i}`, now)
    await tagging.retagAll()
    expect((await suggestions.list()).filter((s) => s.kind === 'outreach')).toHaveLength(3)
    expect(await actions.run()).toMatchObject({ done: 0, waiting: 2 })
    now = new Date(now.getTime() + HOUR + 1000)
    expect(await actions.run()).toMatchObject({ done: 2, waiting: 0 })
    expect((await suggestions.list()).filter((s) => s.kind === 'outreach')).toHaveLength(5)
  })

  it('skips a queued welcome when the member left before it was its turn, with the reason stored', async () => {
    for (let i = 0; i < 4; i++) await join(`m${i}`, now)
    await tagging.retagAll()
    await members.record({ kind: 'leave', channel: 'test', groupId: GROUP, groupName: '测试群', members: [{ id: 'm3', name: '成员m3' }], at: now })
    now = new Date(now.getTime() + HOUR + 1000)
    expect(await actions.run()).toMatchObject({ done: 0, skipped: 1 })
    const skipped = await db.selectFrom('tag_actions').select(['member_id', 'detail']).where('status', '=', 'skipped').execute()
    expect(skipped).toEqual([{ member_id: 'm3', detail: '成员已不在群里' }])
  })

  it('respects cooldown_days: a churn warning that comes back within 14 days reminds nobody', async () => {
    await join('a', new Date(now.getTime() - 90 * DAY))
    for (let i = 0; i < 6; i++) await say('a', new Date(now.getTime() - (35 + i) * DAY))
    await tagging.retagAll()
    // Two messages lift messages_30d to 2 (≥ 6 × 0.3): the warning goes away; without them it comes back.
    await say('a', new Date(now.getTime() - 9 * DAY))
    await say('a', new Date(now.getTime() - 9 * DAY))
    await tagging.retagAll()
    expect(await tagsOf('a')).not.toContain('流失预警')
    now = new Date(now.getTime() + 2 * DAY)
    await db.deleteFrom('messages').where('sender_id', '=', 'a').where('sent_at', '>', new Date(now.getTime() - 30 * DAY).toISOString()).execute()
    await tagging.retagAll()
    expect(await tagsOf('a')).toContain('流失预警')
    const runs = await db.selectFrom('tag_actions').select(['status', 'detail']).orderBy('id').execute()
    expect(runs.map((r) => r.status)).toEqual(['done', 'skipped'])
    expect(runs[1]!.detail).toContain('冷却期')
    expect((await suggestions.list()).filter((s) => s.kind === 'reminder')).toHaveLength(1)
  })

  it('never counts tag actions as questions or customer messages', async () => {
    await join('a', now)
    await tagging.retagAll()
    await tagging.retagAll()
    const [row] = await db.selectFrom('group_members').select(['rule_tags']).execute()
    expect(JSON.parse(row!.rule_tags!)).toEqual(['新成员'])
    expect(await countRecentMisses(db, 'a', GROUP)).toBe(0)
    const explained = await tagging.explain('a')
    expect(explained[0]!.rules.find((r) => r.tagId === '活跃')!.seen).toEqual({ messages_7d: 0 })
  })
})

describe('rules changes', () => {
  it('removes tags whose rule was deleted when new rules are applied, and turns tagging off cleanly', async () => {
    await join('a', now)
    await tagging.retagAll()
    expect(await tagsOf('a')).toEqual(['新成员'])
    const fewer = { ...rules, tags: rules.tags.filter((t) => t.id !== '新成员'), lifecycle: rules.lifecycle.filter((s) => s !== '新成员'), actions: [] }
    const summary = await tagging.useRules(fewer)
    expect(summary).toMatchObject({ members: 1, removed: 1 })
    expect(await tagsOf('a')).toEqual([])
    await tagging.useRules(undefined)
    expect(await tagging.retagMember(GROUP, 'a')).toBeUndefined()
  })

  it('records the daily distribution of tags and lifecycle stages for members still in the group', async () => {
    await join('a', now)
    await join('b', now)
    await join('c', new Date(now.getTime() - 40 * DAY))
    await members.record({ kind: 'leave', channel: 'test', groupId: GROUP, groupName: '测试群', members: [{ id: 'b', name: '成员b' }], at: now })
    await tagging.retagAll()
    const counts = await db.selectFrom('tag_counts').selectAll().orderBy('kind').orderBy('name').execute()
    expect(counts).toEqual([
      { day: '2026-11-01', kind: 'lifecycle', name: '新成员', members: 1 },
      { day: '2026-11-01', kind: 'lifecycle', name: '沉默', members: 1 },
      { day: '2026-11-01', kind: 'tag', name: '新成员', members: 1 },
      { day: '2026-11-01', kind: 'tag', name: '沉默', members: 1 },
    ])
  })
})
