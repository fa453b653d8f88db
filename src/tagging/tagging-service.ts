import { basename } from 'node:path'
import type { Clock } from '../core/clock.js'
import { QunDeskError } from '../core/errors.js'
import type { Logger } from '../core/logger.js'
import type { MembershipBasics } from '../core/member.js'
import { appendAudit } from '../storage/audit.repository.js'
import type { Db } from '../storage/create-db.js'
import { findMembership } from '../storage/group-member.repository.js'
import { listQuestionsByIntent, listMemberActivity, streamMemberActivity, type MemberActivityRow } from '../storage/member-metrics.repository.js'
import { addManualTag, applyRetags, loadManualTags, membershipKey, removeManualTag, writeTagCounts, type RetagWrite } from '../storage/member-tag.repository.js'
import { toMemberFacts } from './activity-facts.js'
import { evaluateRules, seenBy, tagMember, type RulesEvaluation } from './evaluate-rules.js'
import { callArguments } from './expression/compile-expression.js'
import type { RuleSet } from './rule-set.js'
import { actionKey, actionsFor, diffTags, parseStoredTags, type MembershipRetag } from './tag-changes.js'

export interface RetagSummary {
  /** Memberships evaluated. */
  members: number
  /** Memberships whose tags or lifecycle changed. */
  changed: number
  added: number
  removed: number
  actionsQueued: number
}

export interface MemberExplanation extends MembershipBasics {
  /** What is stored now (rule tags as of the last evaluation, manual tags as set by agents). */
  storedRuleTags: string[] | null
  manualTags: string[]
  /** A fresh evaluation: each rule with the values it read. */
  evaluation: RulesEvaluation
  rules: Array<{ tagId: string; when: string; source: string; value: boolean; seen: Record<string, unknown> }>
}

export interface TaggingService {
  /** The rules in force, or undefined when tagging is off (no rules folder). */
  rules(): RuleSet | undefined
  /** Swaps in new (already validated) rules and re-tags everyone with them. */
  useRules(rules: RuleSet | undefined): Promise<RetagSummary>
  /** Re-tags every membership: one streamed set-based query, then the changes written in batches. */
  retagAll(): Promise<RetagSummary>
  /** Re-tags one membership now and returns what changed (undefined when tagging is off or no such member). */
  retagMember(groupId: string, memberId: string): Promise<MembershipRetag | undefined>
  /** Re-tags a membership soon (after a join or a message); bursts for the same member coalesce. */
  queueRetag(groupId: string, memberId: string): void
  /** Resolves when queued re-tags (and the actions they queued) are done. */
  idle(): Promise<void>
  /** Fresh evaluation of every membership of a member, with the values each rule saw. */
  explain(memberId: string): Promise<MemberExplanation[]>
  addManualTag(t: { groupId: string; memberId: string; tag: string; actor: string }): Promise<void>
  removeManualTag(t: { groupId: string; memberId: string; tag: string; actor: string }): Promise<void>
  stop(): Promise<void>
}

/** The longest a queued re-tag waits while inbound messages keep the process busy (ms). */
export const RETAG_MAX_DEFER_MS = 10_000

/** After the re-tags, e.g. running the actions they queued. */
export type AfterRetag = (summary: { actionsQueued: number }) => Promise<void>

/**
 * Keeps member tags and lifecycle stages in step with the rules: everyone on a schedule, one member right after
 * their events. Re-tags run one at a time (a lock), so a full run and an incremental one never interleave writes.
 *
 * @example
 * const tagging = createTaggingService({ db, clock, logger, rules, utcOffsetMinutes: 480 })
 * await tagging.retagAll() // { members: 1200, changed: 40, added: 31, removed: 12, actionsQueued: 5 }
 */
export function createTaggingService(deps: {
  db: Db
  clock: Clock
  logger: Logger
  rules: RuleSet | undefined
  utcOffsetMinutes: number
  afterRetag?: AfterRetag
  /** How long bursts of events for one member are coalesced before the re-tag (ms). */
  debounceMs?: number
  /**
   * Whether inbound messages are waiting to be handled: queued re-tags wait until they are (up to `maxDeferMs`),
   * since they share the database and the CPU with them and a burst of questions would otherwise pay for the
   * re-tags it causes (issue 19).
   */
  busy?: () => boolean
  /** The longest a queued re-tag waits for `busy` to clear (ms; default RETAG_MAX_DEFER_MS). */
  maxDeferMs?: number
}): TaggingService {
  const { db, clock } = deps
  const log = deps.logger.child({ component: 'tagging' })
  let rules = deps.rules
  let chain: Promise<unknown> = Promise.resolve()
  const exclusive = <T>(work: () => Promise<T>): Promise<T> => {
    const run = chain.then(work, work)
    chain = run.catch(() => undefined)
    return run
  }

  // Membership key -> when it was first queued (ms), for the longest wait behind inbound work.
  const pending = new Map<string, number>()
  const debounceMs = deps.debounceMs ?? 200
  const maxDeferMs = deps.maxDeferMs ?? RETAG_MAX_DEFER_MS
  /** Inbound work is waiting and the oldest queued re-tag may still wait for it. */
  const yieldToInbound = () => {
    if (!deps.busy?.()) return false
    const oldest = pending.values().next().value
    return oldest !== undefined && Date.now() - oldest < maxDeferMs
  }
  let scheduled: NodeJS.Timeout | undefined
  let draining: Promise<void> | undefined
  let stopped = false
  const kick = () => {
    scheduled = undefined
    if (yieldToInbound()) {
      scheduled = setTimeout(kick, debounceMs)
      return
    }
    draining ??= drain().finally(() => {
      draining = undefined
      if (pending.size > 0 && !stopped) scheduled ??= setTimeout(kick, debounceMs)
    })
  }

  const usesAsked = (set: RuleSet) => set.tags.some((t) => callArguments(t.ast, 'asked').length > 0)
  const ruleSource = (set: RuleSet) => new Map(set.tags.map((t) => [t.id, `${basename(t.source.file)}:${t.source.line}`]))

  async function questionsFor(set: RuleSet, now: Date, filter: { groupId?: string; memberId?: string }): Promise<Map<string, Record<string, number>>> {
    const byMember = new Map<string, Record<string, number>>()
    if (!usesAsked(set)) return byMember
    for (const row of await listQuestionsByIntent(db, { now, ...filter })) {
      const key = membershipKey(row.group_id, row.member_id)
      const counts = byMember.get(key) ?? {}
      counts[row.intent_id] = row.questions
      byMember.set(key, counts)
    }
    return byMember
  }

  /** Evaluates one stored row; returns the write when something changed. */
  function retagRow(set: RuleSet, sources: Map<string, string>, row: MemberActivityRow, context: { now: Date; manual: Map<string, string[]>; questions: Map<string, Record<string, number>> }) {
    const key = membershipKey(row.group_id, row.member_id)
    const manualTags = context.manual.get(key) ?? []
    const facts = toMemberFacts(row, { now: context.now, manualTags, questionsByIntent: context.questions.get(key) ?? {} })
    const result = tagMember(set, facts)
    const seenOf = (tag: string) => {
      const rule = set.tags.find((t) => t.id === tag)
      return rule ? seenBy(rule, facts, result.tags) : {}
    }
    const retag = diffTags(parseStoredTags(row.rule_tags), row.lifecycle, result, seenOf)
    const write: RetagWrite | undefined = retag.changes.length > 0 || retag.lifecycleChanged
      ? {
          groupId: row.group_id,
          memberId: row.member_id,
          tags: retag.tags,
          lifecycle: retag.lifecycle,
          changes: retag.changes.map((c) => ({
            ...c,
            by: sources.get(c.tag) ?? 'rules (tag removed from the rules)',
            actionKeys: row.left_at === null ? actionsFor(set, c).map(actionKey) : [],
          })),
        }
      : undefined
    return { retag, write, facts, manualTags }
  }

  async function retagAllNow(): Promise<RetagSummary> {
    const summary: RetagSummary = { members: 0, changed: 0, added: 0, removed: 0, actionsQueued: 0 }
    const set = rules
    if (!set) return summary
    const now = clock()
    const started = Date.now()
    const manual = await loadManualTags(db)
    const questions = await questionsFor(set, now, {})
    const sources = ruleSource(set)
    const writes: RetagWrite[] = []
    const counts = new Map<string, { kind: 'tag' | 'lifecycle'; name: string; members: number }>()
    const count = (kind: 'tag' | 'lifecycle', name: string) => {
      const key = `${kind}\u0000${name}`
      const entry = counts.get(key) ?? { kind, name, members: 0 }
      entry.members += 1
      counts.set(key, entry)
    }
    for await (const row of streamMemberActivity(db, { now })) {
      summary.members += 1
      const { retag, write } = retagRow(set, sources, row, { now, manual, questions })
      if (row.left_at === null) {
        for (const tag of retag.tags) count('tag', tag)
        if (retag.lifecycle) count('lifecycle', retag.lifecycle)
      }
      if (write) {
        writes.push(write)
        summary.changed += 1
        for (const c of write.changes) c.change === 'added' ? (summary.added += 1) : (summary.removed += 1)
      }
    }
    summary.actionsQueued = await applyRetags(db, writes, now.toISOString())
    const day = new Date(now.getTime() + deps.utcOffsetMinutes * 60_000).toISOString().slice(0, 10)
    await writeTagCounts(db, day, [...counts.values()])
    log.info({ ...summary, ms: Date.now() - started }, 'members re-tagged')
    return summary
  }

  async function retagMemberNow(groupId: string, memberId: string): Promise<{ retag: MembershipRetag; actionsQueued: number } | undefined> {
    const set = rules
    if (!set) return undefined
    const now = clock()
    const [row] = await listMemberActivity(db, { now, groupId, memberId })
    if (!row) return undefined
    const manual = await loadManualTags(db, { groupId, memberId })
    const questions = await questionsFor(set, now, { groupId, memberId })
    const { retag, write } = retagRow(set, ruleSource(set), row, { now, manual, questions })
    const actionsQueued = write ? await applyRetags(db, [write], now.toISOString()) : 0
    if (write) log.info({ groupId, memberId, changes: write.changes.map((c) => `${c.change === 'added' ? '+' : '-'}${c.tag}`), lifecycle: retag.lifecycle }, 'member re-tagged')
    return { retag, actionsQueued }
  }

  async function afterRetag(actionsQueued: number): Promise<void> {
    if (!deps.afterRetag) return
    try {
      await deps.afterRetag({ actionsQueued })
    } catch (error) {
      log.error({ err: error }, 'running tag actions failed; they stay queued')
    }
  }

  async function drain(): Promise<void> {
    while (pending.size > 0 && !stopped && !yieldToInbound()) {
      const batch = [...pending]
      pending.clear()
      let queued = 0
      for (const [index, [key]] of batch.entries()) {
        // Inbound work arrived meanwhile: the rest wait for it, ahead of anything queued since.
        if (index > 0 && deps.busy?.() && Date.now() - batch[0]![1] < maxDeferMs) {
          const later = [...pending]
          pending.clear()
          for (const [k, at] of [...batch.slice(index), ...later]) if (!pending.has(k)) pending.set(k, at)
          break
        }
        const [groupId = '', memberId = ''] = key.split('\u0000')
        try {
          queued += (await exclusive(() => retagMemberNow(groupId, memberId)))?.actionsQueued ?? 0
        } catch (error) {
          log.error({ err: error, groupId, memberId }, 're-tagging a member failed; the next full re-tag will catch up')
        }
      }
      await afterRetag(queued)
    }
  }

  const service: TaggingService = {
    rules: () => rules,
    async useRules(next) {
      rules = next
      return service.retagAll()
    },
    async retagAll() {
      const summary = await exclusive(retagAllNow)
      await afterRetag(summary.actionsQueued)
      return summary
    },
    async retagMember(groupId, memberId) {
      const result = await exclusive(() => retagMemberNow(groupId, memberId))
      if (result) await afterRetag(result.actionsQueued)
      return result?.retag
    },
    queueRetag(groupId, memberId) {
      if (!rules || stopped) return
      const key = membershipKey(groupId, memberId)
      if (!pending.has(key)) pending.set(key, Date.now())
      // The window starts at the first event, so a chatty member is re-tagged at most once per window.
      scheduled ??= setTimeout(kick, debounceMs)
    },
    async idle() {
      while (scheduled || draining) {
        if (draining) await draining
        else await new Promise((resolve) => setTimeout(resolve, debounceMs + 5))
      }
      await chain
    },
    async explain(memberId) {
      const set = rules
      if (!set) throw new QunDeskError('bad_request', '没有加载标签规则（rules 文件夹不存在），无法解释标签')
      const now = clock()
      const rows = await listMemberActivity(db, { now, memberId })
      if (rows.length === 0) throw new QunDeskError('not_found', `没有找到成员 ${memberId}（不在任何已知的群里）`, { memberId })
      const manual = await loadManualTags(db, { memberId })
      const questions = await questionsFor(set, now, { memberId })
      return rows.map((row) => {
        const { facts, manualTags } = retagRow(set, ruleSource(set), row, { now, manual, questions })
        const evaluation = evaluateRules(set, facts)
        const byId = new Map(set.tags.map((t) => [t.id, t]))
        return {
          groupId: row.group_id, groupName: row.group_name, memberId: row.member_id, memberName: row.member_name,
          joinedAt: row.joined_at, joinedAtEstimated: row.joined_at_estimated === 1, leftAt: row.left_at,
          storedRuleTags: parseStoredTags(row.rule_tags), manualTags, evaluation,
          rules: evaluation.explanations.map((e) => {
            const rule = byId.get(e.tagId)
            return { tagId: e.tagId, when: rule?.when ?? '', source: rule ? `${basename(rule.source.file)}:${rule.source.line}` : '', value: e.value, seen: e.seen }
          }),
        }
      })
    },
    async addManualTag(t) {
      const tag = cleanTagName(t.tag)
      if (!tag || Array.from(tag).length > 30 || /\s/.test(tag)) throw new QunDeskError('bad_request', '标签名不能为空（不可见字符不算）、不能含空格，最多 30 个字')
      if (rules?.tags.some((r) => r.id === tag)) throw new QunDeskError('conflict', `「${tag}」是规则标签，由规则自动计算，不能手动添加`)
      if (!(await findMembership(db, t.groupId, t.memberId))) throw new QunDeskError('not_found', `成员 ${t.memberId} 不在群 ${t.groupId} 里`, { memberId: t.memberId, groupId: t.groupId })
      const now = clock()
      const added = await addManualTag(db, { ...t, tag, now: now.toISOString() })
      if (!added) throw new QunDeskError('conflict', `成员已有标签「${tag}」`)
      await appendAudit(db, { at: now, actor: t.actor, action: 'member.tag_added', subjectType: 'member', subjectId: t.memberId, detail: { groupId: t.groupId, tag } })
      service.queueRetag(t.groupId, t.memberId) // rules may read it with has_tag()
    },
    async removeManualTag(t) {
      const now = clock()
      const removed = await removeManualTag(db, { ...t, now: now.toISOString() })
      if (!removed) throw new QunDeskError('not_found', `成员没有手动标签「${t.tag}」（规则标签不能手动移除）`)
      await appendAudit(db, { at: now, actor: t.actor, action: 'member.tag_removed', subjectType: 'member', subjectId: t.memberId, detail: { groupId: t.groupId, tag: t.tag } })
      service.queueRetag(t.groupId, t.memberId)
    },
    async stop() {
      stopped = true
      clearTimeout(scheduled)
      scheduled = undefined
      pending.clear()
      if (draining) await draining
      await chain
    },
  }
  return service
}

/**
 * A manual tag as typed, without what cannot be seen: bidi controls (U+202E would show 「VIP」 as something else),
 * zero-width and other control or format characters (Cc, Cf), and the Hangul fillers that render as blanks. Two tags
 * that look the same are then the same tag.
 */
export function cleanTagName(tag: string): string {
  return tag.replace(/[\p{Cc}\p{Cf}\u115F\u1160\u3164\uFFA0]/gu, '').trim()
}
