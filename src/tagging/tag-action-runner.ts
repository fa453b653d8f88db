import { describeSeen } from './describe-seen.js'
import type { WaitingTagAction } from '../core/member.js'
import type { Clock } from '../core/clock.js'
import type { Logger } from '../core/logger.js'
import type { Db } from '../storage/create-db.js'
import { findMembership, findMembershipNames } from '../storage/group-member.repository.js'
import { countOutreachSince, findTagHistory, finishAction, hasRuleTag, lastActionRun, listQueuedActions, outreachTimesSince } from '../storage/member-tag.repository.js'
import type { TagActionRow } from '../storage/schema.js'
import type { SuggestionService } from '../suggestions/suggestion-service.js'
import type { RuleSet, TagAction } from './rule-set.js'
import { planOutreach } from './plan-outreach.js'
import { actionKey, fillTemplate } from './tag-changes.js'

export interface ActionRunSummary {
  /** Turned into a suggestion or reminder. */
  done: number
  skipped: number
  /** Still queued: the group's hourly allowance is used up. */
  waiting: number
}

export interface TagActionRunner {
  run(): Promise<ActionRunSummary>
  /** Queued actions, oldest first, with when each is expected to run (at most 200). */
  waiting(): Promise<WaitingTagAction[]>
}

const DAY_MS = 86_400_000
const HOUR_MS = 3_600_000
/** A welcome three days late is worse than none. */
export const ACTION_STALE_AFTER_MS = 3 * DAY_MS
const PER_RUN = 200

/**
 * Turns queued tag actions into suggestions (text for the group) and reminders (for agents), through the same
 * approval queue as answers. Paced per group (`outreachPerGroupPerHour`), never twice for one tag change
 * (the queue row is unique per change and action; the suggestion is keyed by the queue row), and not within
 * `cooldown_days` of the same action for the same member. Skips, with the reason stored, when the member left,
 * the tag is gone again, the action was removed from the rules, or the run is stale.
 *
 * @example
 * const actions = createTagActionRunner({ db, clock, logger, suggestions, rules: () => tagging.rules(), outreachPerGroupPerHour: async () => 3 })
 * await actions.run() // { done: 2, skipped: 1, waiting: 0 }
 */
export function createTagActionRunner(deps: {
  db: Db
  clock: Clock
  logger: Logger
  suggestions: SuggestionService
  rules: () => RuleSet | undefined
  outreachPerGroupPerHour: () => Promise<number>
}): TagActionRunner {
  const { db, clock } = deps
  const log = deps.logger.child({ component: 'tag-actions' })
  let running: Promise<ActionRunSummary> | undefined

  async function skip(run: TagActionRow, reason: string, summary: ActionRunSummary): Promise<void> {
    if (await finishAction(db, run.id, { status: 'skipped', detail: reason, now: clock().toISOString() })) summary.skipped += 1
    log.info({ actionId: run.id, tag: run.tag, memberId: run.member_id, reason }, 'tag action skipped')
  }

  async function perform(run: TagActionRow, action: TagAction, membership: { group_name: string; member_name: string }, now: Date): Promise<number | undefined> {
    const history = await findTagHistory(db, run.history_id)
    const seen = history?.seen ? describeSeen(JSON.parse(history.seen) as Record<string, unknown>) : ''
    const what = `标签「${run.tag}」${action.on === 'tag_added' ? '新增' : '移除'}`
    const base = { groupId: run.group_id, groupName: membership.group_name, memberId: run.member_id, memberName: membership.member_name, at: now }
    let suggestionId: number | undefined
    if (action.suggest) {
      const created = await deps.suggestions.createOutreach({
        ...base, sourceId: `tag-action:${run.id}`, kind: 'outreach', autoSend: action.autoSend,
        text: fillTemplate(action.suggest, { name: membership.member_name, tag: run.tag }),
        reason: `【主动消息】${what}，建议发送以下内容`,
      })
      suggestionId = created.id
    }
    if (action.notifyAgents && (!action.suggest || action.autoSend)) {
      const created = await deps.suggestions.createOutreach({
        ...base, sourceId: `tag-action:${run.id}:reminder`, kind: 'reminder', autoSend: false, text: null,
        reason: `【提醒】${membership.member_name} ${what}${seen ? `（${seen}）` : ''}，请关注`,
      })
      suggestionId ??= created.id
    }
    return suggestionId
  }

  async function runNow(): Promise<ActionRunSummary> {
    const summary: ActionRunSummary = { done: 0, skipped: 0, waiting: 0 }
    const rules = deps.rules()
    const queued = await listQueuedActions(db, PER_RUN)
    if (queued.length === 0) return summary
    const byKey = new Map((rules?.actions ?? []).map((a) => [actionKey(a), a]))
    const perHour = await deps.outreachPerGroupPerHour()
    const full = new Set<string>()
    for (const run of queued) {
      const now = clock()
      const action = byKey.get(run.action_key)
      if (!action) {
        await skip(run, '规则里已没有这个动作', summary)
        continue
      }
      if (now.getTime() - Date.parse(run.created_at) > ACTION_STALE_AFTER_MS) {
        await skip(run, '排队超过 3 天，已过时', summary)
        continue
      }
      const membership = await findMembership(db, run.group_id, run.member_id)
      if (!membership || membership.left_at !== null) {
        await skip(run, '成员已不在群里', summary)
        continue
      }
      const tagged = await hasRuleTag(db, run.group_id, run.member_id, run.tag)
      if (tagged !== (action.on === 'tag_added')) {
        await skip(run, action.on === 'tag_added' ? '标签已被移除' : '标签又加回来了', summary)
        continue
      }
      const last = await lastActionRun(db, { groupId: run.group_id, memberId: run.member_id, actionKey: run.action_key })
      if (last && now.getTime() - Date.parse(last) < action.cooldownDays * DAY_MS) {
        await skip(run, `冷却期内（${action.cooldownDays} 天内已执行过，上次 ${last}）`, summary)
        continue
      }
      if (action.suggest) {
        if (full.has(run.group_id)) {
          summary.waiting += 1
          continue
        }
        if (await countOutreachSince(db, run.group_id, new Date(now.getTime() - HOUR_MS).toISOString()) >= perHour) {
          full.add(run.group_id)
          summary.waiting += 1
          continue
        }
      }
      // Create, then mark done: if the process dies in between, the re-run finds the suggestion by its source id.
      const suggestionId = await perform(run, action, membership, now)
      if (await finishAction(db, run.id, { status: 'done', detail: action.suggest ? (action.autoSend ? '已自动发送' : '已进入审核队列') : '已提醒客服', ...(suggestionId !== undefined ? { suggestionId } : {}), now: clock().toISOString() })) {
        summary.done += 1
      }
    }
    if (summary.done || summary.skipped || summary.waiting) log.info(summary, 'tag actions run')
    return summary
  }

  return {
    // Runs never overlap: a second caller waits for the current run and then starts its own.
    async run() {
      while (running) await running.catch(() => undefined)
      running = runNow()
      try {
        return await running
      } finally {
        running = undefined
      }
    },

    async waiting() {
      const queued = await listQueuedActions(db, PER_RUN)
      if (queued.length === 0) return []
      const byKey = new Map((deps.rules()?.actions ?? []).map((a) => [actionKey(a), a]))
      const perHour = await deps.outreachPerGroupPerHour()
      const now = clock()
      // Outreach is paced per group: plan each group's queue in order against its sends of the last hour.
      const outreach = new Map<string, TagActionRow[]>()
      for (const run of queued) {
        if (!byKey.get(run.action_key)?.suggest) continue
        const runs = outreach.get(run.group_id)
        if (runs) runs.push(run)
        else outreach.set(run.group_id, [run])
      }
      const due = new Map<number, number>()
      for (const [groupId, runs] of outreach) {
        const sentMs = (await outreachTimesSince(db, groupId, new Date(now.getTime() - HOUR_MS).toISOString())).map((t) => Date.parse(t))
        planOutreach({ sentMs, perHour, nowMs: now.getTime(), queued: runs.length }).forEach((t, i) => due.set(runs[i]!.id, t))
      }
      const names = await findMembershipNames(db, queued.map((run) => ({ groupId: run.group_id, memberId: run.member_id })))
      const result: WaitingTagAction[] = []
      for (const run of queued) {
        const membership = names.get(`${run.group_id}\u0000${run.member_id}`)
        const dueMs = due.get(run.id) ?? now.getTime()
        result.push({
          id: run.id, groupId: run.group_id, groupName: membership?.groupName ?? null, memberId: run.member_id, memberName: membership?.memberName ?? null,
          tag: run.tag, kind: due.has(run.id) ? 'outreach' : 'reminder', queuedAt: run.created_at,
          dueAt: Number.isFinite(dueMs) ? new Date(dueMs).toISOString() : null,
        })
      }
      return result
    },
  }
}
