import path from 'node:path'
import { loadConfig } from '../config/load-config.js'
import { systemClock } from '../core/clock.js'
import { createLogger } from '../core/logger.js'
import { openDb } from '../storage/create-db.js'
import { findMembersByName } from '../storage/group-member.repository.js'
import { formatProblem, loadRules } from '../tagging/load-rules.js'
import { createTaggingService, type MemberExplanation } from '../tagging/tagging-service.js'
import { UsageError, type CliIo } from './cli-io.js'

/**
 * `qundesk tags explain <member id or name> [--rules DIR] [--json]`: evaluates every rule for each of the member's
 * groups right now and prints the values each rule saw, next to what is stored.
 */
export async function tagsExplain(who: string | undefined, flags: { rules?: string; json: boolean }, io: CliIo): Promise<number> {
  if (!who) throw new UsageError('tags explain needs a member id or name, e.g. qundesk tags explain wxid_abc123')
  const config = loadConfig(io.env, io.cwd)
  const dir = path.resolve(io.cwd, flags.rules ?? config.rulesDir)
  const loaded = await loadRules(dir)
  if (!loaded.ok) {
    for (const problem of loaded.problems) io.stderr(formatProblem(problem))
    return 1
  }
  const db = await openDb(config)
  try {
    let memberId = who
    const byName = await findMembersByName(db, who)
    const ids = [...new Set(byName.map((m) => m.member_id))]
    if (ids.length === 1 && ids[0] !== who) memberId = ids[0] ?? who
    else if (ids.length > 1) {
      io.stderr(`有 ${ids.length} 个成员叫「${who}」，请用成员 ID：\n${byName.map((m) => `  ${m.member_id}  ${m.group_name}`).join('\n')}`)
      return 1
    }
    const tagging = createTaggingService({ db, clock: systemClock, logger: createLogger({ level: 'silent' }), rules: loaded.rules, utcOffsetMinutes: config.utcOffsetMinutes })
    let explanations: MemberExplanation[]
    try {
      explanations = await tagging.explain(memberId)
    } catch (error) {
      io.stderr((error as Error).message)
      return 1
    }
    if (flags.json) {
      io.stdout(JSON.stringify(explanations.map(({ evaluation: _evaluation, ...rest }) => ({ ...rest, tags: _evaluation.tags, lifecycle: _evaluation.lifecycle })), null, 2))
      return 0
    }
    for (const e of explanations) io.stdout(formatExplanation(e, config.utcOffsetMinutes))
    return 0
  } finally {
    await db.destroy()
  }
}

function localTime(iso: string, utcOffsetMinutes: number): string {
  return new Date(Date.parse(iso) + utcOffsetMinutes * 60_000).toISOString().slice(0, 16).replace('T', ' ')
}

/** One membership as readable text: who, since when, stored vs fresh tags, then one line per rule. */
export function formatExplanation(e: MemberExplanation, utcOffsetMinutes: number): string {
  const fresh = e.evaluation.tags
  const stored = e.storedRuleTags
  const lines = [
    `${e.memberName}（${e.memberId}）· ${e.groupName}（${e.groupId}）`,
    `  入群 ${localTime(e.joinedAt, utcOffsetMinutes)}${e.joinedAtEstimated ? '（估算）' : ''} · ${e.leftAt ? `已于 ${localTime(e.leftAt, utcOffsetMinutes)} 退群` : '仍在群内'}`,
    `  生命周期：${e.evaluation.lifecycle ?? '（无）'}`,
    `  规则标签（现在计算）：${fresh.join('、') || '（无）'}`,
    `  规则标签（已保存）：${stored === null ? '（尚未计算过）' : stored.join('、') || '（无）'}${stored !== null && stored.join('\u0000') !== fresh.join('\u0000') ? ' ← 下次重新计算时会更新' : ''}`,
    `  手动标签：${e.manualTags.join('、') || '（无）'}`,
    '  规则：',
  ]
  for (const r of e.rules) {
    const seen = Object.entries(r.seen).map(([k, v]) => `${k}=${v === null ? 'null' : JSON.stringify(v)}`).join(', ')
    lines.push(`    ${r.value ? '✓' : '✗'} ${r.tagId}  (${r.source})  ${r.when}`)
    lines.push(`        看到：${seen || '（无）'}`)
  }
  return lines.join('\n')
}
