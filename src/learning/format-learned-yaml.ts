import { stringify } from 'yaml'
import type { KnowledgeBase } from '../knowledge/knowledge-base.js'

/**
 * Writes agents' intent fixes as YAML an admin merges into knowledge/: per intent, where it is defined and the
 * questions to add to its examples.
 *
 * @example
 * formatLearnedYaml([{ intentId: 'invoice.request', text: '发票能开公司的吗' }], kb, new Date())
 */
export function formatLearnedYaml(examples: ReadonlyArray<{ intentId: string; text: string }>, kb: KnowledgeBase | undefined, now: Date): string {
  const byIntent = new Map<string, string[]>()
  for (const e of examples) byIntent.set(e.intentId, [...(byIntent.get(e.intentId) ?? []), e.text])
  const learned = [...byIntent].map(([id, texts]) => {
    const intent = kb?.get(id)
    return { id, defined_in: intent ? `${intent.source.file}:${intent.source.line}` : kb ? '（知识库中已没有这个意图）' : '（未加载知识库）', examples: texts }
  })
  const header = [
    '# 坐席“意图纠正”学到的例句（qundesk kb export-learned）',
    `# 导出时间 ${now.toISOString()}，共 ${examples.length} 条。`,
    '# 把每个意图下的 examples 合并到 defined_in 指向的意图里，然后运行 qundesk kb check。',
  ].join('\n')
  return `${header}\n${stringify({ learned }, { lineWidth: 0 })}`
}
