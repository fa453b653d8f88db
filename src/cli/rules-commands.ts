import path from 'node:path'
import { formatProblem, loadRules } from '../tagging/load-rules.js'
import type { CliIo } from './cli-io.js'

/** `qundesk rules check [--rules DIR]`: exit 0 when valid, 1 with one `file:line: message` per problem. */
export async function rulesCheck(flags: { rules?: string }, io: CliIo): Promise<number> {
  const dir = path.resolve(io.cwd, flags.rules ?? io.env.QUNDESK_RULES_DIR ?? 'rules')
  const result = await loadRules(dir)
  if (!result.ok) {
    for (const problem of result.problems) io.stderr(formatProblem(problem))
    return 1
  }
  for (const warning of result.warnings) io.stderr(`警告：${formatProblem(warning)}`)
  const { rules } = result
  io.stdout(`OK：${rules.tags.length} 条标签规则，${rules.actions.length} 个动作，lifecycle [${rules.lifecycle.join(', ')}]${rules.schedule ? `，schedule "${rules.schedule}"` : ''}（${path.relative(io.cwd, dir) || '.'}）`)
  return 0
}
