import type { FunctionName } from './ast.js'

/**
 * The only functions a rule may call. Each takes exactly one quoted text argument, so a rule can never reach
 * anything but the member's facts.
 *
 * - `has_tag('VIP')` → yes/no: the member has that tag. For a tag defined by an earlier rule this is the value
 *   computed in the same run; for any other name it is a manual tag set by agents (MemberFacts.tags).
 * - `asked('logistics.*')` → number: questions the member asked in the last 30 days whose intent id matches the
 *   pattern (`logistics.*` = every id starting with `logistics.`, `*` = all, otherwise the exact id).
 */
export const FUNCTIONS: Readonly<Record<FunctionName, { returns: 'boolean' | 'number'; example: string; description: string }>> = {
  has_tag: { returns: 'boolean', example: "has_tag('VIP')", description: '成员是否有这个标签（规则算出的或客服手动打的）' },
  asked: { returns: 'number', example: "asked('logistics.*')", description: '近 30 天问过这类问题（意图编号匹配）的次数' },
}

export const FUNCTION_NAMES = Object.keys(FUNCTIONS) as FunctionName[]

/**
 * Whether an intent id matches an `asked()` pattern: `logistics.*` is a prefix, `*` is everything.
 *
 * @example
 * intentPatternMatches('logistics.*', 'logistics.track') // true
 */
export function intentPatternMatches(pattern: string, intentId: string): boolean {
  if (pattern === '*') return true
  return pattern.endsWith('.*') ? intentId.startsWith(pattern.slice(0, -1)) : pattern === intentId
}

/** Why an `asked()` pattern is not usable, or undefined when it is fine. */
export function intentPatternProblem(pattern: string): string | undefined {
  if (pattern.trim() === '') return '是空的'
  if (/\s/.test(pattern)) return '含有空格'
  const star = pattern.indexOf('*')
  if (star !== -1 && !(pattern === '*' || (pattern.endsWith('.*') && star === pattern.length - 1))) return '只能以 ".*" 结尾'
  return undefined
}
