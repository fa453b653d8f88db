import type { Clock } from '../core/clock.js'
import { QunDeskError } from '../core/errors.js'
import type { SlotName } from '../knowledge/knowledge-base.js'
import { renderMemberAnswer } from '../knowledge/render-answer.js'
import { findSlotValues, SLOT_NAME_TEXT } from '../slots/find-slot-values.js'
import { appendAudit } from '../storage/audit.repository.js'
import type { Db } from '../storage/create-db.js'
import { countQuickReplies, deleteQuickReply, insertQuickReply, listQuickReplies, updateQuickReply } from '../storage/quick-reply.repository.js'
import type { QuickReplyRow } from '../storage/schema.js'

export interface QuickReply {
  id: number
  title: string
  text: string
  updatedBy: string
  updatedAt: string
}

const MAX_TITLE = 20
const MAX_TEXT = 500
const MAX_SNIPPETS = 200
const SLOTS = Object.keys(SLOT_NAME_TEXT) as SlotName[]
const VARIABLES = ['name', ...SLOTS]
const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/gu

/** What is wrong with a snippet, or undefined. Pure. */
export function quickReplyProblem(input: { title: unknown; text: unknown }): string | undefined {
  if (typeof input.title !== 'string' || input.title.trim() === '' || [...input.title.trim()].length > MAX_TITLE) return `标题必须是 1 到 ${MAX_TITLE} 个字`
  if (typeof input.text !== 'string' || input.text.trim() === '' || [...input.text].length > MAX_TEXT) return `内容必须是 1 到 ${MAX_TEXT} 个字`
  for (const [, key] of input.text.matchAll(PLACEHOLDER)) {
    if (!VARIABLES.includes(key ?? '')) return `内容里的 {{${key}}} 不是可用的变量：可用 ${VARIABLES.map((v) => `{{${v}}}`).join('、')}`
  }
  return undefined
}

/**
 * A snippet filled for one item: `{{name}}` with the customer's name (made safe, as in answers), slot variables
 * with the facts found in their question; a fact not found stays visible as 【订单号】 for the agent to fill.
 */
export function fillQuickReply(text: string, item: { memberName: string; question: string }, now: Date, utcOffsetMinutes?: number): string {
  const { values } = findSlotValues(SLOTS, item.question, now, utcOffsetMinutes)
  const vars = Object.fromEntries(SLOTS.map((slot) => [slot, values[slot] ?? `【${SLOT_NAME_TEXT[slot]}】`]))
  return renderMemberAnswer(text, item.memberName, vars).text
}

export interface QuickReplyService {
  list(): Promise<QuickReply[]>
  add(input: { title: string; text: string }, actor: string): Promise<QuickReply>
  update(id: number, input: { title: string; text: string }, actor: string): Promise<QuickReply>
  remove(id: number, actor: string): Promise<void>
}

const toQuickReply = (row: QuickReplyRow): QuickReply => ({ id: row.id, title: row.title, text: row.text, updatedBy: row.updated_by, updatedAt: row.updated_at })

/**
 * 常用语 that admins keep and agents insert into a reply (issue 17); every change is audited.
 *
 * @example
 * await quickReplies.add({ title: '催发货', text: '{{name}}您好，订单 {{order_id}} 已帮您催促仓库～' }, '老板')
 */
export function createQuickReplyService(deps: { db: Db; clock: Clock }): QuickReplyService {
  const { db, clock } = deps
  const check = (input: { title: string; text: string }) => {
    const problem = quickReplyProblem(input)
    if (problem) throw new QunDeskError('bad_request', problem)
    return { title: input.title.trim(), text: input.text.trim() }
  }
  return {
    list: async () => (await listQuickReplies(db)).map(toQuickReply),
    async add(input, actor) {
      const clean = check(input)
      if ((await countQuickReplies(db)) >= MAX_SNIPPETS) throw new QunDeskError('bad_request', `常用语最多 ${MAX_SNIPPETS} 条：请先删除不用的`)
      const at = clock()
      const row = await insertQuickReply(db, { ...clean, by: actor, at: at.toISOString() })
      await appendAudit(db, { at, actor, action: 'quick_reply.added', subjectType: 'quick_reply', subjectId: String(row.id), detail: clean })
      return toQuickReply(row)
    },
    async update(id, input, actor) {
      const clean = check(input)
      const at = clock()
      const row = await updateQuickReply(db, id, { ...clean, by: actor, at: at.toISOString() })
      if (!row) throw new QunDeskError('not_found', `没有常用语 #${id}`)
      await appendAudit(db, { at, actor, action: 'quick_reply.changed', subjectType: 'quick_reply', subjectId: String(id), detail: clean })
      return toQuickReply(row)
    },
    async remove(id, actor) {
      if (!(await deleteQuickReply(db, id))) throw new QunDeskError('not_found', `没有常用语 #${id}`)
      await appendAudit(db, { at: clock(), actor, action: 'quick_reply.removed', subjectType: 'quick_reply', subjectId: String(id) })
    },
  }
}
