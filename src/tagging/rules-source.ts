import type { Logger } from '../core/logger.js'
import { QunDeskError } from '../core/errors.js'
import { watchYamlFolder, type FolderWatch } from '../core/yaml/watch-yaml-folder.js'
import { formatProblem, loadRules } from './load-rules.js'
import type { RuleSet } from './rule-set.js'

export interface RulesSource {
  /** First load: undefined when the folder does not exist (tagging off); throws `rules_invalid` when broken. */
  start(): Promise<RuleSet | undefined>
  /** Calls `onChange` with each valid edit; a broken edit is logged with file:line and the last good rules stay. */
  watch(onChange: (rules: RuleSet) => void | Promise<void>): void
  stop(): void
}

/**
 * Reads the rules folder once at start and again when its YAML changes, like the knowledge base: validated off to
 * the side, swapped in only when valid.
 *
 * @example
 * const source = createRulesSource({ dir: 'rules', logger })
 * const rules = await source.start()
 * source.watch((next) => tagging.useRules(next))
 */
export function createRulesSource(deps: { dir: string; logger: Logger; debounceMs?: number }): RulesSource {
  const log = deps.logger.child({ component: 'rules' })
  let watch: FolderWatch | undefined
  return {
    async start() {
      const result = await loadRules(deps.dir)
      if (result.ok) {
        for (const warning of result.warnings) log.warn(`rules: ${formatProblem(warning)}`)
        log.info({ dir: deps.dir, tags: result.rules.tags.length, actions: result.rules.actions.length }, 'member-tagging rules loaded')
        return result.rules
      }
      if (result.missing) {
        log.info({ dir: deps.dir }, 'no rules folder: member tagging is off')
        return undefined
      }
      throw new QunDeskError('rules_invalid', `标签规则 ${deps.dir} 有问题：\n${result.problems.map(formatProblem).join('\n')}`, { dir: deps.dir })
    },
    watch(onChange) {
      if (watch) return
      const reload = async () => {
        const result = await loadRules(deps.dir)
        if (!result.ok) {
          log.error({ problems: result.problems.map(formatProblem) }, 'rules edit rejected; the last good rules stay in force')
          return
        }
        log.info({ tags: result.rules.tags.length }, 'rules reloaded')
        await onChange(result.rules)
      }
      try {
        watch = watchYamlFolder(deps.dir, () => void reload().catch((error: unknown) => log.error({ err: error }, 'applying reloaded rules failed')), {
          logger: log, what: 'rules', ...(deps.debounceMs !== undefined ? { debounceMs: deps.debounceMs } : {}),
        })
      } catch (error) {
        // No folder is the "tagging off" choice (see start), not a fault.
        if ((error as NodeJS.ErrnoException)?.code === 'ENOENT') log.info({ dir: deps.dir }, 'no rules folder to watch: create it and restart to turn member tagging on')
        else log.warn({ err: error }, 'cannot watch the rules folder; rule edits need a restart')
      }
    },
    stop() {
      watch?.close()
      watch = undefined
    },
  }
}
