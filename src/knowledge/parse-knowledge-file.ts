import { isMap, isScalar, isSeq } from 'yaml'
import type { Document, Pair, YAMLMap } from 'yaml'
import { didYouMean, didYouMeanHint } from '../core/did-you-mean.js'
import type { FileProblem } from '../core/file-problem.js'
import { readYamlMapping, type YamlFileHints } from '../core/yaml/read-yaml-mapping.js'
import { describe, isEmptyNode, keyName, resolve, scalarValue } from '../core/yaml/yaml-nodes.js'
import type { YamlReporters } from '../core/yaml/yaml-reporters.js'
import type { EscalationPolicy } from './escalation-policy.js'
import { readEscalationPolicy } from './read-escalation-policy.js'
import type { MatchingBands } from './matching-bands.js'
import { readMatchingBands } from './read-matching-bands.js'
import { readSynonyms } from './read-synonyms.js'
import type { Synonyms } from './synonyms.js'
import type { Intent, SlotName } from './knowledge-base.js'
import { INTENT_FORMAT, KNOWLEDGE_FILE_FORMAT, LEARNED_FORMAT, keysOf } from './knowledge-format.js'

export interface ParsedKnowledgeFile {
  intents: Intent[]
  /** The file's `escalation:` section, if it has one, with its line. */
  escalation?: { policy: EscalationPolicy; line: number }
  /** The file's `matching:` section, if it has one, with its line. */
  bands?: { bands: MatchingBands; line: number }
  /** The file's `synonyms:` section, if it has one, with its line. */
  synonyms?: { synonyms: Synonyms; line: number }
  /** The file's `learned:` section (knowledge/learned.yaml): examples admins accepted for intents defined elsewhere. */
  learned?: LearnedExamples[]
  problems: FileProblem[]
  warnings: FileProblem[]
}

/** Examples for an intent defined in another file, from the console's 学习候选 (see src/learning/learned-yaml.ts). */
export interface LearnedExamples {
  intentId: string
  examples: string[]
  line: number
}

// Keys, ranges and choices come from the format that knowledge.schema.json is generated from (knowledge-format.ts).
const TOP_LEVEL_KEYS = keysOf(KNOWLEDGE_FILE_FORMAT)
const INTENT_KEYS = keysOf(INTENT_FORMAT)
const LEARNED_KEYS = keysOf(LEARNED_FORMAT.items)
const { name: NAME, threshold: THRESHOLD, auto_send_threshold: AUTO_SEND_THRESHOLD } = INTENT_FORMAT.properties
const SLOT_NAMES: readonly string[] = INTENT_FORMAT.properties.slots.items.enum

/** In an admin's words about intents; the shared hints are in readYamlMapping. */
const KNOWLEDGE_HINTS: YamlFileHints = {
  tooDeep: '一个意图只需要 4–5 层；检查有没有没闭合的 [ 或 {，以及越缩越深的行',
  unclosedFlow: '[ … ] 或 { … } 没有闭合，或里面的项没有缩进 — 在开始的那一行里闭合它',
  syntax: {
    BAD_INDENT: '检查缩进：用空格，同一个意图的各个键要上下对齐',
    MULTILINE_IMPLICIT_KEY: '键必须写在一行里；含有 ": " 的文字要加引号',
    UNEXPECTED_TOKEN: '含有 ": "、" #"、"["、"{" 或以 "-" 开头的文字要加引号',
    BAD_SCALAR_START: '以 @、`、%、| 或 > 等特殊字符开头的文字要加引号',
  },
  otherSyntax: '改正 YAML 写法；含有 ": " 或 " #" 的文字要加引号',
  tooManyAliases: '直接写出文字，不要用大量 *别名',
  empty: '加上 `intents:` 和意图列表，或删掉这个文件',
  notAMapping: '文件以 `intents:` 开头，下面是一串 `- id: ...` 项',
}

/**
 * Parses and validates one knowledge YAML text. Pure: the caller reads the file and checks size.
 * Every problem carries the 1-based line of the offending node.
 *
 * @example
 * const { intents, problems } = parseKnowledgeFile('intents:\n  - id: a\n    examples: [hi]\n    answer: hello\n', 'kb/a.yaml')
 * // intents[0].source -> { file: 'kb/a.yaml', line: 2 }, problems -> []
 */
export function parseKnowledgeFile(text: string, file: string): ParsedKnowledgeFile {
  const { problems, warnings, report, mapping } = readYamlMapping(text, file, KNOWLEDGE_HINTS)
  const { problem, warn, lineOf } = report
  const intents: Intent[] = []
  if (!mapping) return { intents, problems, warnings }
  const { doc, root } = mapping

  let intentsPair: Pair | undefined
  let escalation: ParsedKnowledgeFile['escalation']
  let bands: ParsedKnowledgeFile['bands']
  let synonyms: ParsedKnowledgeFile['synonyms']
  let learned: LearnedExamples[] | undefined
  for (const pair of root.items) {
    const key = keyName(pair)
    if (key === 'intents') {
      intentsPair = pair
    } else if (key === 'escalation') {
      const line = lineOf(pair.key, 1)
      const policy = readEscalationPolicy(doc, resolve(doc, pair.value), line, report)
      if (policy) escalation = { policy, line }
    } else if (key === 'matching') {
      const line = lineOf(pair.key, 1)
      const read = readMatchingBands(resolve(doc, pair.value), line, report)
      if (read) bands = { bands: read, line }
    } else if (key === 'synonyms') {
      const line = lineOf(pair.key, 1)
      const read = readSynonyms(resolve(doc, pair.value), line, report)
      if (read) synonyms = { synonyms: read, line }
    } else if (key === 'learned') {
      learned = readLearned(doc, pair, report)
    } else {
      const suggestion = didYouMean(key ?? '', TOP_LEVEL_KEYS)
      warn(lineOf(pair.key, 1), `不认识顶层键 "${key ?? '?'}"，已忽略`, suggestion ? didYouMeanHint(suggestion) : `顶层只读取 ${TOP_LEVEL_KEYS.map((k) => `\`${k}:\``).join('、')}`)
    }
  }
  const sections = { ...(escalation ? { escalation } : {}), ...(bands ? { bands } : {}), ...(synonyms ? { synonyms } : {}), ...(learned ? { learned } : {}) }
  if (!intentsPair) {
    if (escalation || bands || synonyms || learned || problems.length > 0) return { intents, problems, warnings, ...sections }
    problem(lineOf(root, 1), '缺少 `intents:`', '加上 `intents:`，下面写一串 `- id: ...` 项')
    return { intents, problems, warnings }
  }
  const list = resolve(doc, intentsPair.value)
  if (list === null || list === undefined || (isScalar(list) && list.value === null)) {
    warn(lineOf(intentsPair.key, 1), 'intents 是空的', '在 `intents:` 下面加意图，或删掉这个文件')
    return { intents, problems, warnings }
  }
  if (!isSeq(list)) {
    problem(lineOf(list, lineOf(intentsPair.key, 1)), 'intents 不是列表', '每个意图写成一个以 `- id: ...` 开头的列表项')
    return { intents, problems, warnings }
  }

  list.items.forEach((rawItem, index) => {
    const item = resolve(doc, rawItem)
    const path = `intents[${index}]`
    const itemLine = lineOf(item, lineOf(list, 1))
    if (!isMap(item)) {
      problem(itemLine, `${path} 不是“键: 值”结构`, '意图写成 `- id: ...`，examples 和 answer 缩进写在它下面')
      return
    }
    const intent = readIntent(doc, item, path, itemLine, report)
    if (intent) intents.push({ ...intent, source: { file, line: itemLine } })
  })
  return { intents, problems, warnings, ...sections }
}

/**
 * `learned:` — a list of `- intent: id` with `examples:` (one question per item; provenance is in comments).
 * Problems are reported like an intent's examples; an empty list is allowed (every candidate discarded later).
 */
function readLearned(doc: Document, pair: Pair, { problem, warn, lineOf }: YamlReporters): LearnedExamples[] {
  const out: LearnedExamples[] = []
  const list = resolve(doc, pair.value)
  const listLine = lineOf(pair.key, 1)
  if (isEmptyNode(list)) return out
  if (!isSeq(list)) {
    problem(lineOf(list, listLine), 'learned 不是列表', '每一项写成 `- intent: id`，下面写 `examples:`')
    return out
  }
  list.items.forEach((rawItem, index) => {
    const item = resolve(doc, rawItem)
    const path = `learned[${index}]`
    const line = lineOf(item, listLine)
    if (!isMap(item)) {
      problem(line, `${path} 不是“键: 值”结构`, '写成 `- intent: id`，`examples:` 缩进写在它下面')
      return
    }
    let intentId = ''
    let examples: string[] | undefined
    for (const p of item.items) {
      const key = keyName(p)
      const node = resolve(doc, p.value)
      const valueLine = lineOf(node, lineOf(p.key, line))
      if (key === 'intent') {
        const raw = scalarValue(node)
        if (typeof raw !== 'string' || raw.trim() === '' || /\s/.test(raw.trim())) problem(valueLine, `${path}.intent 必须是意图 id`, '写在其他文件里定义的意图 id，如 `intent: invoice.request`')
        else intentId = raw.trim()
      } else if (key === 'examples') {
        examples = []
        if (isEmptyNode(node)) continue
        if (!isSeq(node)) {
          problem(valueLine, `${path}.examples 必须是列表`, '每行写一条 `- 问题`')
          continue
        }
        node.items.forEach((rawExample, i) => {
          const exampleNode = resolve(doc, rawExample)
          const value = scalarValue(exampleNode)
          if (typeof value !== 'string' || value.trim() === '') problem(lineOf(exampleNode, valueLine), `${path}.examples[${i}] 必须是文字`, '把问题写在引号里，或删掉这一项')
          else examples?.push(value.trim())
        })
      } else {
        warn(lineOf(p.key, line), `${path} 有不认识的键 "${key ?? '?'}"，已忽略`, `每一项只有 ${LEARNED_KEYS.map((k) => `\`${k}:\``).join(' 和 ')}`)
      }
    }
    if (!intentId) {
      if (!item.items.some((p) => keyName(p) === 'intent')) problem(line, `${path} 缺少 intent`, '加上 `intent: id`，写明这些例句属于哪个意图')
      return
    }
    out.push({ intentId, examples: examples ?? [], line })
  })
  return out
}

/** Validates one intent mapping; returns undefined when it has problems (already reported). */
function readIntent(
  doc: Document,
  item: YAMLMap,
  path: string,
  itemLine: number,
  { problem, warn, lineOf }: YamlReporters,
): Omit<Intent, 'source'> | undefined {
  const pairs = new Map<string, Pair>()
  const unknown: Pair[] = []
  for (const pair of item.items) {
    const key = keyName(pair)
    if (key !== undefined && INTENT_KEYS.includes(key)) pairs.set(key, pair)
    else unknown.push(pair)
  }
  let failures = 0
  const fail = (line: number, message: string, hint: string) => {
    failures++
    problem(line, message, hint)
  }
  const valueOf = (key: string) => {
    const pair = pairs.get(key)
    return pair ? { pair, node: resolve(doc, pair.value), line: lineOf(pair.value, lineOf(pair.key, itemLine)) } : undefined
  }

  // id
  let id = ''
  const idValue = valueOf('id')
  if (!idValue) {
    fail(itemLine, `${path} 缺少 id`, '加上 `id: 主题.名称`（所有文件里不能重复，如 logistics.track）')
  } else {
    const raw = scalarValue(idValue.node)
    if (raw === null || raw === undefined || (typeof raw === 'string' && raw.trim() === '')) {
      fail(idValue.line, `${path}.id 是空的`, '给意图一个 id，如 logistics.track')
    } else if (typeof raw !== 'string') {
      fail(idValue.line, `${path}.id 必须是文字，现在是 ${describe(raw, idValue.node)}`, 'id 写成文字，如 `id: logistics.track`（数字要加引号）')
    } else if (/\s/.test(raw.trim())) {
      fail(idValue.line, `${path}.id "${raw}" 含有空格`, '只用字母、数字、点、横线或下划线，如 logistics.track')
    } else {
      id = raw.trim()
    }
  }
  const name = id ? `${path} (${id})` : path
  for (const pair of unknown) {
    const key = keyName(pair) ?? '?'
    const suggestion = didYouMean(key, INTENT_KEYS)
    warn(
      lineOf(pair.key, itemLine),
      `${name} 有不认识的键 "${key}"，已忽略`,
      suggestion ? didYouMeanHint(suggestion) : `可用的键：${INTENT_KEYS.join('、')}`,
    )
  }

  // name: optional, for people (the console shows it beside the id)
  let displayName: string | undefined
  const nameValue = valueOf('name')
  if (nameValue) {
    const raw = scalarValue(nameValue.node)
    if (typeof raw !== 'string' || raw.trim() === '') {
      fail(nameValue.line, `${name}.name 必须是文字，现在是 ${describe(raw, nameValue.node)}`, '写一个给人看的简短名称，如 `name: 查物流`，或删掉它')
    } else if ([...raw.trim()].length > NAME.maxLength) {
      fail(nameValue.line, `${name}.name 超过 ${NAME.maxLength} 个字`, '写短一点，如 `name: 查物流`；细节写在 answer 里')
    } else displayName = raw.trim()
  }

  // examples
  const examples: string[] = []
  const examplesValue = valueOf('examples')
  if (!examplesValue || isEmptyNode(examplesValue.node)) {
    fail(examplesValue?.line ?? itemLine, `${name} 没有例句`, '加上 `examples:`，写几条客户会问的话，如 [我的快递到哪了, 怎么查物流]')
  } else if (!isSeq(examplesValue.node)) {
    fail(examplesValue.line, `${name}.examples 必须是列表`, '写成 `examples: [问题一, 问题二]`，或每行一条 `- 问题`')
  } else {
    const seen = new Set<string>()
    examplesValue.node.items.forEach((rawExample, i) => {
      const node = resolve(doc, rawExample)
      const line = lineOf(node, examplesValue.line)
      const value = scalarValue(node)
      if (value === null || value === undefined || (typeof value === 'string' && value.trim() === '')) {
        fail(line, `${name}.examples[${i}] 是空的`, '写上问题，或删掉这个空项')
      } else if (typeof value !== 'string') {
        fail(line, `${name}.examples[${i}] 必须是文字，现在是 ${describe(value, node)}`, '给它加上引号，如 "12345"')
      } else if (seen.has(value.trim())) {
        warn(line, `${name}.examples[${i}] "${value.trim()}" 重复了`, '删掉重复的一条')
      } else {
        seen.add(value.trim())
        examples.push(value.trim())
      }
    })
    if (examplesValue.node.items.length === 0) {
      fail(examplesValue.line, `${name} 没有例句`, '每个意图至少需要一条客户会问的话')
    }
  }

  // answer
  let answer = ''
  const answerValue = valueOf('answer')
  if (!answerValue) {
    fail(itemLine, `${name} 缺少 answer`, '加上 `answer: "..."`，写要回复的内容')
  } else {
    const raw = scalarValue(answerValue.node)
    if (raw === null || raw === undefined || (typeof raw === 'string' && raw.trim() === '')) {
      fail(answerValue.line, `${name}.answer 是空的`, '写上回复内容')
    } else if (typeof raw !== 'string') {
      fail(answerValue.line, `${name}.answer 必须是文字，现在是 ${describe(raw, answerValue.node)}`, '把回答写在引号里')
    } else {
      answer = raw.trim()
    }
  }

  // auto_send
  let autoSend = false
  const autoSendValue = valueOf('auto_send')
  if (autoSendValue) {
    const raw = scalarValue(autoSendValue.node)
    if (typeof raw === 'boolean') autoSend = raw
    else fail(autoSendValue.line, `${name}.auto_send 只能是 true 或 false，现在是 ${describe(raw, autoSendValue.node)}`, '写 `auto_send: true` 或 `auto_send: false`（这里 yes/no 不算）')
  }

  // threshold
  let threshold: number | undefined
  const thresholdValue = valueOf('threshold')
  if (thresholdValue) {
    const raw = scalarValue(thresholdValue.node)
    if (typeof raw !== 'number' || Number.isNaN(raw)) {
      fail(thresholdValue.line, `${name}.threshold 必须是 ${THRESHOLD.minimum} 到 ${THRESHOLD.maximum} 之间的数，现在是 ${describe(raw, thresholdValue.node)}`, '写成如 `threshold: 0.6`，或删掉它使用默认值')
    } else if (raw < THRESHOLD.minimum || raw > THRESHOLD.maximum) {
      fail(thresholdValue.line, `${name}.threshold ${raw} 超出范围`, `用 ${THRESHOLD.minimum} 到 ${THRESHOLD.maximum} 之间的数（越高越严格），如 0.6`)
    } else {
      threshold = raw
    }
  }

  // auto_send_threshold
  let autoSendThreshold: number | undefined
  const autoSendThresholdValue = valueOf('auto_send_threshold')
  if (autoSendThresholdValue) {
    const raw = scalarValue(autoSendThresholdValue.node)
    if (typeof raw !== 'number' || raw < AUTO_SEND_THRESHOLD.minimum || raw > AUTO_SEND_THRESHOLD.maximum) {
      fail(autoSendThresholdValue.line, `${name}.auto_send_threshold 必须是 ${AUTO_SEND_THRESHOLD.minimum} 到 ${AUTO_SEND_THRESHOLD.maximum} 之间的数`, '如 `auto_send_threshold: 0.7`（越高越严格）')
    } else autoSendThreshold = raw
  }

  // slots and ask
  let slots: SlotName[] | undefined
  const slotsValue = valueOf('slots')
  if (slotsValue) {
    const items = isSeq(slotsValue.node) ? slotsValue.node.items.map((i) => scalarValue(resolve(doc, i))) : undefined
    const bad = items?.find((i) => typeof i !== 'string' || !SLOT_NAMES.includes(i))
    if (!items || items.length === 0 || bad !== undefined) {
      fail(slotsValue.line, `${name}.slots 必须是由 ${SLOT_NAMES.join('、')} 组成的列表${bad !== undefined ? `，现在有 "${String(bad)}"` : ''}`, '如 `slots: [order_id]`，并在 answer 里用 {{order_id}}')
    } else {
      slots = [...new Set(items as SlotName[])]
      for (const slot of slots) {
        if (!answer.includes(`{{${slot}}}`)) warn(slotsValue.line, `${name} 要客户提供 ${slot}，但 answer 里没有 {{${slot}}}`, `在 answer 里该填这个值的地方写 {{${slot}}}`)
      }
    }
  }
  let ask: string | undefined
  const askValue = valueOf('ask')
  if (askValue) {
    const raw = scalarValue(askValue.node)
    if (typeof raw !== 'string' || raw.trim() === '') fail(askValue.line, `${name}.ask 必须是文字`, '如 `ask: "{{name}}，麻烦发一下订单号，我帮您查～"`')
    else if (!slotsValue) warn(askValue.line, `${name}.ask 只在有 slots 时使用`, '加上 `slots: [order_id]`，或删掉 ask')
    else ask = raw.trim()
  }

  if (failures > 0) return undefined
  if (examples.length < 3) {
    warn(examplesValue?.line ?? itemLine, `${name} 只有 ${examples.length} 条例句`, '补充 5–10 种客户的不同问法，匹配才可靠')
  }
  return {
    id, ...(displayName ? { name: displayName } : {}), examples, answer, autoSend,
    ...(threshold === undefined ? {} : { threshold }),
    ...(autoSendThreshold === undefined ? {} : { autoSendThreshold }),
    ...(slots ? { slots } : {}),
    ...(ask ? { ask } : {}),
  }
}
