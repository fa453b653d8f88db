/**
 * Something wrong (or suspicious, for warnings) in a file an admin edits — knowledge and rules YAML, member
 * imports — with where and how to fix it.
 */
export interface FileProblem {
  /** File path as loaded, or the folder for folder-level problems. */
  file: string
  /** 1-based line; 0 when the problem is about the whole file or folder. */
  line: number
  message: string
  /** What the admin should do about it. */
  hint: string
}

/**
 * One line for logs and the CLI: `file:line: message — hint`.
 *
 * @example
 * formatProblem({ file: 'knowledge/shipping.yaml', line: 14, message: 'intents[3] (logistics.track).answer 是空的', hint: '写上回复内容' })
 * // 'knowledge/shipping.yaml:14: intents[3] (logistics.track).answer 是空的 — 写上回复内容'
 */
export function formatProblem(p: FileProblem): string {
  const where = p.line > 0 ? `${p.file}:${p.line}` : p.file
  return p.hint ? `${where}: ${p.message} — ${p.hint}` : `${where}: ${p.message}`
}
