import { createHash } from 'node:crypto'
import type { RulesEvaluation } from './evaluate-rules.js'
import type { RuleSet, TagAction, TagEvent } from './rule-set.js'

export interface TagChange {
  tag: string
  change: 'added' | 'removed'
  /** The values the tag's rule read in this run (empty when the rule no longer exists). */
  seen: Record<string, unknown>
}

export interface MembershipRetag {
  /** The rule tags now, in rule order. */
  tags: string[]
  lifecycle: string | null
  changes: TagChange[]
  lifecycleChanged: boolean
}

/**
 * Compares a fresh evaluation with what was stored. `previous` null means the membership was never evaluated:
 * every tag it has now is "added". A stored tag whose rule was deleted is removed. `seenOf` gives the values a
 * tag's rule read, asked only for the tags that changed. Pure.
 *
 * @example
 * diffTags(['沉默'], '沉默', { tags: ['活跃'], lifecycle: '活跃' }, seenOf)
 * // { tags: ['活跃'], changes: [{ tag: '活跃', change: 'added', ... }, { tag: '沉默', change: 'removed', ... }], lifecycleChanged: true, ... }
 */
export function diffTags(
  previous: readonly string[] | null,
  previousLifecycle: string | null,
  now: Pick<RulesEvaluation, 'tags' | 'lifecycle'>,
  seenOf: (tag: string) => Record<string, unknown>,
): MembershipRetag {
  const before = new Set(previous ?? [])
  const after = new Set(now.tags)
  const changes: TagChange[] = []
  for (const tag of now.tags) if (!before.has(tag)) changes.push({ tag, change: 'added', seen: seenOf(tag) })
  for (const tag of before) if (!after.has(tag)) changes.push({ tag, change: 'removed', seen: seenOf(tag) })
  return { tags: now.tags, lifecycle: now.lifecycle, changes, lifecycleChanged: previousLifecycle !== now.lifecycle }
}

/** Reads the stored JSON array of rule tags; anything unreadable counts as "never evaluated". */
export function parseStoredTags(json: string | null): string[] | null {
  if (json === null) return null
  try {
    const value: unknown = JSON.parse(json)
    return Array.isArray(value) && value.every((t) => typeof t === 'string') ? value : null
  } catch {
    return null
  }
}

/**
 * A stable id for an action across rules reloads: what triggers it and what it does. Editing the text makes it a
 * different action (its cooldown starts afresh); moving it within the file does not.
 *
 * @example
 * actionKey({ on: 'tag_added', tag: '新成员', suggest: '欢迎', ... }) // 'tag_added:新成员:3b5d…'
 */
export function actionKey(action: Pick<TagAction, 'on' | 'tag' | 'suggest' | 'notifyAgents' | 'autoSend'>): string {
  const what = createHash('sha256').update(JSON.stringify([action.suggest ?? null, action.notifyAgents, action.autoSend])).digest('hex').slice(0, 12)
  return `${action.on}:${action.tag}:${what}`
}

const EVENT_OF: Record<TagChange['change'], TagEvent> = { added: 'tag_added', removed: 'tag_removed' }

/** The actions a tag change triggers, in rules order. */
export function actionsFor(rules: Pick<RuleSet, 'actions'>, change: Pick<TagChange, 'tag' | 'change'>): TagAction[] {
  return rules.actions.filter((a) => a.tag === change.tag && a.on === EVENT_OF[change.change])
}

/**
 * Fills `{{name}}` and `{{tag}}` (the only placeholders the loader accepts).
 *
 * @example
 * fillTemplate('{{name}}，欢迎加入！', { name: '小李', tag: '新成员' }) // '小李，欢迎加入！'
 */
export function fillTemplate(template: string, values: { name: string; tag: string }): string {
  return template.replace(/\{\{\s*(name|tag)\s*\}\}/g, (_, key: 'name' | 'tag') => values[key])
}
