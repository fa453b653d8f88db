import type { Clock } from '../core/clock.js'
import { appendAudit } from '../storage/audit.repository.js'
import type { Db } from '../storage/create-db.js'
import { listLongWaitingUnalerted } from '../storage/suggestion.repository.js'

/** Items named in one message; the rest are counted. */
const LISTED = 10

/**
 * Tells the agents' WeCom group (the group robot) about items for a person that have waited longer than
 * `minutes`: one message per run, each item once ever (recorded as `suggestion.wait_alerted` in the audit log, so a
 * restart or another instance does not ring again). Returns how many items it told about.
 *
 * @example
 * await alertLongWaits({ db, clock, minutes: 10, send: (text) => webhook.sendText(text) })
 */
export async function alertLongWaits(deps: { db: Db; clock: Clock; minutes: number; send: (text: string) => Promise<void> }): Promise<number> {
  const now = deps.clock()
  const rows = await listLongWaitingUnalerted(deps.db, new Date(now.getTime() - deps.minutes * 60_000).toISOString())
  if (rows.length === 0) return 0
  const waited = (askedAt: string) => Math.floor((now.getTime() - Date.parse(askedAt)) / 60_000)
  const lines = rows.slice(0, LISTED).map((r) => `群「${r.group_name}」${r.member_name}：${r.question.slice(0, 60)}（已等 ${waited(r.asked_at)} 分钟）`)
  const more = rows.length > LISTED ? `\n…另有 ${rows.length - LISTED} 条` : ''
  // Sent first: a failed send leaves the items unrecorded, so the next run tries again.
  await deps.send(`【等待过久】${rows.length} 条需人工处理的消息已等待超过 ${deps.minutes} 分钟，请尽快处理：\n${lines.join('\n')}${more}`)
  for (const r of rows) {
    await appendAudit(deps.db, { at: now, actor: 'system', action: 'suggestion.wait_alerted', subjectType: 'suggestion', subjectId: String(r.id), detail: { waitedMinutes: waited(r.asked_at) } })
  }
  return rows.length
}
