import type { KnowledgeBase } from '../knowledge/knowledge-base.js'

/**
 * An intent as `kb test` and `kb eval` print it: the id, and the admin-given `name:` beside it when there is one.
 * The id comes first (unlike the console's 查物流（logistics.track）): these are tools for the knowledge YAML, where
 * the id is what the admin searches for, and the tables line up on it.
 *
 * @example
 * intentLabeller(kb)('logistics.track') // 'logistics.track（查快递）'
 * intentLabeller(kb)('gone.intent')     // 'gone.intent'
 */
export function intentLabeller(kb: Pick<KnowledgeBase, 'get'>): (id: string) => string {
  return (id) => {
    const name = kb.get(id)?.name
    return name ? `${id}（${name}）` : id
  }
}

/**
 * Where a decision's thresholds came from (`IntentDecision.bands`, which `--json` keeps as it is) in words.
 *
 * @example
 * describeBands('default + group VIP客户群') // '默认值 + 群 VIP客户群 的区间'
 */
export function describeBands(bands: string): string {
  return bands.split(' + ').map((part) => {
    if (part === 'default') return '默认值'
    if (part.startsWith('intent ')) return `意图 ${part.slice('intent '.length)} 的 threshold`
    if (part.startsWith('group ')) return `群 ${part.slice('group '.length)} 的区间`
    return part // matching: / matching.semantic:, as written in the YAML
  }).join(' + ')
}

/**
 * Why a `--cases` file could not be read as JSON, in words (V8's JSON.parse and the file system speak English).
 *
 * @example
 * describeCasesReadError(Object.assign(new Error('nope'), { code: 'ENOENT' })) // '找不到文件 — 请检查路径'
 */
export function describeCasesReadError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code
  if (code === 'ENOENT') return '找不到文件 — 请检查路径'
  if (code) return `无法读取文件（${code}）`
  return `不是有效的 JSON（${(error as Error).message}）— 检查逗号、引号和括号`
}
