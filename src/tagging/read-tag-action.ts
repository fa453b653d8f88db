import { isMap } from 'yaml'
import type { Document } from 'yaml'
import { DEFAULT_COOLDOWN_DAYS, type TagAction, type TagEvent } from './rule-set.js'
import { didYouMean, didYouMeanHint } from '../core/did-you-mean.js'
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
    report.problem(itemLine, `${path} 不是“键: 值”结构`, '动作写成 `- on: tag_added`，tag 和 suggest 缩进写在它下面')
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
    fail(value.line, `${path}.${key} 只能是 true 或 false，现在是 ${describe(value.raw, value.node)}`, `写 \`${key}: true\`，或不写（默认 false）`)
    return false
  }

  let on: TagEvent = 'tag_added'
  const onValue = valueOf('on')
  if (!onValue) fail(itemLine, `${path} 缺少 on`, '加上 `on: tag_added` 或 `on: tag_removed`')
  else if (typeof onValue.raw !== 'string' || !(EVENTS as readonly string[]).includes(onValue.raw)) {
    const suggestion = typeof onValue.raw === 'string' ? didYouMean(onValue.raw, EVENTS) : undefined
    fail(onValue.line, `${path}.on 只能是 tag_added 或 tag_removed，现在是 ${describe(onValue.raw, onValue.node)}`, suggestion ? didYouMeanHint(suggestion) : 'tag_added 在成员得到标签时执行，tag_removed 在标签去掉时执行')
  } else on = onValue.raw as TagEvent

  let tag = ''
  let tagLine = itemLine
  const tagValue = valueOf('tag')
  if (!tagValue) fail(itemLine, `${path} 缺少 tag`, '加上 `tag: 标签名`，写 `tags:` 里的一个标签')
  else if (typeof tagValue.raw !== 'string' || tagValue.raw.trim() === '') fail(tagValue.line, `${path}.tag 必须是标签名，现在是 ${describe(tagValue.raw, tagValue.node)}`, '如 `tag: 新成员`')
  else {
    tag = tagValue.raw.trim()
    tagLine = tagValue.line
  }

  let suggest: string | undefined
  const suggestValue = valueOf('suggest')
  if (suggestValue) {
    if (typeof suggestValue.raw !== 'string' || suggestValue.raw.trim() === '') {
      fail(suggestValue.line, `${path}.suggest 必须是文字`, '如 `suggest: "{{name}}，欢迎加入！"`')
    } else {
      suggest = suggestValue.raw.trim()
      for (const match of suggest.matchAll(/\{\{\s*([^}]*?)\s*\}\}/g)) {
        const name = match[1] ?? ''
        if (!(ACTION_PLACEHOLDERS as readonly string[]).includes(name)) {
          const suggestion = didYouMean(name, ACTION_PLACEHOLDERS)
          fail(suggestValue.line, `${path}.suggest 用了不认识的占位符 {{${name}}}`, suggestion ? didYouMeanHint(`{{${suggestion}}}`) : `只会填入 ${ACTION_PLACEHOLDERS.map((p) => `{{${p}}}`).join(' 和 ')}`)
        }
      }
    }
  }
  const autoSend = readBoolean('auto_send')
  const notifyAgents = readBoolean('notify_agents')
  if (autoSend && !suggest) fail(valueOf('auto_send')?.line ?? itemLine, `${path}.auto_send 需要 suggest`, '用 `suggest:` 写上要发送的文字')
  if (!suggestValue && !notifyAgents && valueOf('on')) {
    fail(itemLine, `${path} 什么也不做`, '加上 `suggest:` 文字和/或 `notify_agents: true`')
  }

  let cooldownDays = DEFAULT_COOLDOWN_DAYS
  const cooldownValue = valueOf('cooldown_days')
  if (cooldownValue) {
    const raw = cooldownValue.raw
    if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < 0 || raw > MAX_COOLDOWN_DAYS) {
      fail(cooldownValue.line, `${path}.cooldown_days 必须是 0 到 ${MAX_COOLDOWN_DAYS} 之间的整数，现在是 ${describe(raw, cooldownValue.node)}`, `如 \`cooldown_days: 30\`（默认 ${DEFAULT_COOLDOWN_DAYS}）`)
    } else cooldownDays = raw
  }

  if (!ok) return undefined
  return { action: { on, tag, ...(suggest ? { suggest } : {}), autoSend, notifyAgents, cooldownDays }, tagLine }
}
