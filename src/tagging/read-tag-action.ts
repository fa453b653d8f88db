import { isMap } from 'yaml'
import type { Document } from 'yaml'
import { DEFAULT_COOLDOWN_DAYS, type TagAction, type TagEvent } from './rule-set.js'
import { didYouMean } from '../core/did-you-mean.js'
import { readKnownKeys } from './read-known-keys.js'
import type { YamlReporters } from '../core/yaml/yaml-reporters.js'
import { describe } from '../core/yaml/yaml-nodes.js'

const ACTION_KEYS = ['on', 'tag', 'suggest', 'auto_send', 'notify_agents', 'cooldown_days'] as const
const EVENTS: readonly TagEvent[] = ['tag_added', 'tag_removed']
/** The placeholders the action sender fills in; anything else would reach the group as raw `{{x}}`. */
export const ACTION_PLACEHOLDERS = ['name', 'tag'] as const
const MAX_COOLDOWN_DAYS = 3650

/** A parsed action; whether `tag` names a rule tag is checked across files by loadRules, at `tagLine`. */
export interface ReadTagAction {
  action: Omit<TagAction, 'source'>
  tagLine: number
}

/**
 * Validates one `actions:` item. Returns undefined when it has problems (already reported).
 *
 * @example
 * // - on: tag_added
 * //   tag: 新成员
 * //   suggest: "{{name}}，欢迎加入！有问题随时@我。"
 * //   cooldown_days: 30
 */
export function readTagAction(doc: Document, item: unknown, path: string, itemLine: number, report: YamlReporters): ReadTagAction | undefined {
  if (!isMap(item)) {
    report.problem(itemLine, `${path} is not a mapping`, 'write the action as `- on: tag_added` with tag and suggest indented below it')
    return undefined
  }
  const valueOf = readKnownKeys(doc, item, ACTION_KEYS, path, itemLine, report)
  let ok = true
  const fail = (line: number, message: string, hint: string) => {
    ok = false
    report.problem(line, message, hint)
  }
  const readBoolean = (key: string): boolean => {
    const value = valueOf(key)
    if (!value) return false
    if (typeof value.raw === 'boolean') return value.raw
    fail(value.line, `${path}.${key} must be true or false, got ${describe(value.raw, value.node)}`, `write \`${key}: true\` or leave it out (default false)`)
    return false
  }

  let on: TagEvent = 'tag_added'
  const onValue = valueOf('on')
  if (!onValue) fail(itemLine, `${path} has no on`, 'add `on: tag_added` or `on: tag_removed`')
  else if (typeof onValue.raw !== 'string' || !(EVENTS as readonly string[]).includes(onValue.raw)) {
    const suggestion = typeof onValue.raw === 'string' ? didYouMean(onValue.raw, EVENTS) : undefined
    fail(onValue.line, `${path}.on must be tag_added or tag_removed, got ${describe(onValue.raw, onValue.node)}`, suggestion ? `did you mean "${suggestion}"?` : 'tag_added runs when a member gets the tag, tag_removed when it goes away')
  } else on = onValue.raw as TagEvent

  let tag = ''
  let tagLine = itemLine
  const tagValue = valueOf('tag')
  if (!tagValue) fail(itemLine, `${path} has no tag`, 'add `tag: 标签名` naming a tag from `tags:`')
  else if (typeof tagValue.raw !== 'string' || tagValue.raw.trim() === '') fail(tagValue.line, `${path}.tag must be a tag name, got ${describe(tagValue.raw, tagValue.node)}`, 'e.g. `tag: 新成员`')
  else {
    tag = tagValue.raw.trim()
    tagLine = tagValue.line
  }

  let suggest: string | undefined
  const suggestValue = valueOf('suggest')
  if (suggestValue) {
    if (typeof suggestValue.raw !== 'string' || suggestValue.raw.trim() === '') {
      fail(suggestValue.line, `${path}.suggest must be text`, 'e.g. `suggest: "{{name}}，欢迎加入！"`')
    } else {
      suggest = suggestValue.raw.trim()
      for (const match of suggest.matchAll(/\{\{\s*([^}]*?)\s*\}\}/g)) {
        const name = match[1] ?? ''
        if (!(ACTION_PLACEHOLDERS as readonly string[]).includes(name)) {
          const suggestion = didYouMean(name, ACTION_PLACEHOLDERS)
          fail(suggestValue.line, `${path}.suggest uses unknown placeholder {{${name}}}`, suggestion ? `did you mean {{${suggestion}}}?` : `only ${ACTION_PLACEHOLDERS.map((p) => `{{${p}}}`).join(' and ')} are filled in`)
        }
      }
    }
  }
  const autoSend = readBoolean('auto_send')
  const notifyAgents = readBoolean('notify_agents')
  if (autoSend && !suggest) fail(valueOf('auto_send')?.line ?? itemLine, `${path}.auto_send needs suggest`, 'add the text to send with `suggest:`')
  if (!suggestValue && !notifyAgents && valueOf('on')) {
    fail(itemLine, `${path} does nothing`, 'add `suggest:` text and/or `notify_agents: true`')
  }

  let cooldownDays = DEFAULT_COOLDOWN_DAYS
  const cooldownValue = valueOf('cooldown_days')
  if (cooldownValue) {
    const raw = cooldownValue.raw
    if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < 0 || raw > MAX_COOLDOWN_DAYS) {
      fail(cooldownValue.line, `${path}.cooldown_days must be a whole number from 0 to ${MAX_COOLDOWN_DAYS}, got ${describe(raw, cooldownValue.node)}`, `e.g. \`cooldown_days: 30\` (default ${DEFAULT_COOLDOWN_DAYS})`)
    } else cooldownDays = raw
  }

  if (!ok) return undefined
  return { action: { on, tag, ...(suggest ? { suggest } : {}), autoSend, notifyAgents, cooldownDays }, tagLine }
}
