import type { ReportSuggestionRow } from '../storage/report.repository.js'
import type { UnmatchedItem } from '../core/report.js'

/** Trailing marks customers add that do not change the question ("退货？？", "在吗~", "thanks!!"). */
const TRAILING_MARKS = /[\s?？!！。.,，、~～…；;]+$/u

/**
 * The form repeats of one question share: Unicode NFKC (full-width ＡＢＣ／１２３／？ from Chinese input methods
 * become ASCII), trimmed, whitespace collapsed, trailing punctuation stripped, latin lowercased.
 *
 * @example
 * normaliseQuestion('  能开  发票吗？？ ')   // '能开 发票吗'
 * normaliseQuestion('ＵＳＢ 线怎么用～')      // 'usb 线怎么用'
 */
export function normaliseQuestion(text: string): string {
  return text.normalize('NFKC').trim().replace(/\s+/gu, ' ').replace(TRAILING_MARKS, '').toLowerCase()
}

/**
 * The questions no intent matched (`needs_human`), grouped by their normalised form: most asked first (ties:
 * most recently asked first), at most `limit`. Each item shows the latest original wording and the groups that
 * asked. Questions that are empty once normalised (a bare @-mention, "？？") are left out: no knowledge fills them.
 *
 * @example
 * topUnmatched(rows, 10)   // [{ question: '能开发票吗', count: 3, lastAskedAt: '2026-11-23T08:00:00.000Z', groupNames: ['测试群'] }]
 */
export function topUnmatched(suggestions: readonly ReportSuggestionRow[], limit: number): UnmatchedItem[] {
  const clusters = new Map<string, { question: string; count: number; lastAskedAt: string; groupNames: Set<string> }>()
  for (const row of suggestions) {
    if (row.kind !== 'needs_human') continue
    const key = normaliseQuestion(row.question)
    if (!key) continue
    const cluster = clusters.get(key)
    if (!cluster) {
      clusters.set(key, { question: row.question.trim(), count: 1, lastAskedAt: row.asked_at, groupNames: new Set([row.group_name]) })
      continue
    }
    cluster.count += 1
    cluster.groupNames.add(row.group_name)
    if (row.asked_at >= cluster.lastAskedAt) {
      cluster.lastAskedAt = row.asked_at
      cluster.question = row.question.trim()
    }
  }
  return [...clusters.values()]
    .sort((a, b) => b.count - a.count || (a.lastAskedAt > b.lastAskedAt ? -1 : a.lastAskedAt < b.lastAskedAt ? 1 : 0) || a.question.localeCompare(b.question, 'zh-CN'))
    .slice(0, Math.max(0, limit))
    .map((c) => ({ question: c.question, count: c.count, lastAskedAt: c.lastAskedAt, groupNames: [...c.groupNames].sort((a, b) => a.localeCompare(b, 'zh-CN')) }))
}
