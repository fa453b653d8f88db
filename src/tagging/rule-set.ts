import type { Expr } from './expression/ast.js'
import type { FileProblem } from '../core/file-problem.js'

/** Rules files report problems in the shared form, so `formatProblem` prints `rules/x.yaml:7: message — hint`. */
export type RuleProblem = FileProblem

export interface RuleSource {
  file: string
  line: number
}

/** One `tags:` item: the member gets tag `id` while `when` is true. */
export interface TagRule {
  id: string
  /** The expression as written. */
  when: string
  ast: Expr
  /** Optional note for admins and the console. */
  description?: string
  source: RuleSource
}

export type TagEvent = 'tag_added' | 'tag_removed'

/** One `actions:` item: what to do when a member gains or loses a tag. */
export interface TagAction {
  on: TagEvent
  tag: string
  /** Text to suggest in the group, with {{name}} / {{tag}}; goes through the approval queue unless autoSend. */
  suggest?: string
  autoSend: boolean
  /** Remind the agents (console notification) instead of, or as well as, suggesting text. */
  notifyAgents: boolean
  /** Never run twice for the same member and tag within this many days. */
  cooldownDays: number
  source: RuleSource
}

export interface RuleSet {
  /** In file order, then list order: a rule may `has_tag()` only tags defined before it. */
  tags: TagRule[]
  /** Lifecycle stages in order; the member's stage is the first one whose tag is set. */
  lifecycle: string[]
  /** Cron expression for re-tagging everyone; undefined = the service's default. */
  schedule?: string
  actions: TagAction[]
  /** Tags agents set by hand that rules may read with has_tag(); declared to catch typos. */
  manualTags: string[]
  files: string[]
}

export const DEFAULT_COOLDOWN_DAYS = 30
