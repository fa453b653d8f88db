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
  for (const warning of result.warnings) io.stderr(`warning: ${formatProblem(warning)}`)
  const { rules } = result
  io.stdout(`OK: ${rules.tags.length} tag rules, ${rules.actions.length} actions, lifecycle [${rules.lifecycle.join(', ')}]${rules.schedule ? `, schedule "${rules.schedule}"` : ''} (${path.relative(io.cwd, dir) || '.'})`)
  return 0
}
