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
