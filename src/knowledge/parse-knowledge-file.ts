import { isMap, isScalar, isSeq } from 'yaml'
import type { Document, Pair, YAMLMap } from 'yaml'
import { didYouMean } from '../core/did-you-mean.js'
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
  tooDeep: 'an intent needs 4 or 5 levels; check for unclosed [ or { and for runaway indentation',
  unclosedFlow: 'a [ … ] or { … } list is not closed, or its items are not indented — close it on the line where it starts',
  syntax: {
    BAD_INDENT: 'check the indentation: use spaces, and line up the keys of one intent under each other',
    MULTILINE_IMPLICIT_KEY: 'a key must fit on one line; put quotes around text that contains ": "',
    UNEXPECTED_TOKEN: 'put quotes around text that contains ": ", " #", "[", "{" or starts with "-"',
    BAD_SCALAR_START: 'put quotes around text that starts with a special character such as @, `, %, | or >',
  },
  otherSyntax: 'fix the YAML syntax; put quotes around text that contains ": " or " #"',
  tooManyAliases: 'write the text out instead of using many *aliases',
  empty: 'add `intents:` with a list of intents, or delete the file',
  notAMapping: 'start the file with `intents:` followed by a list of `- id: ...` items',
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
      warn(lineOf(pair.key, 1), `unknown top-level key "${key ?? '?'}" is ignored`, suggestion ? `did you mean "${suggestion}"?` : `only ${TOP_LEVEL_KEYS.map((k) => `\`${k}:\``).join(', ')} are read at the top level`)
    }
  }
  const sections = { ...(escalation ? { escalation } : {}), ...(bands ? { bands } : {}), ...(synonyms ? { synonyms } : {}), ...(learned ? { learned } : {}) }
  if (!intentsPair) {
    if (escalation || bands || synonyms || learned || problems.length > 0) return { intents, problems, warnings, ...sections }
    problem(lineOf(root, 1), 'missing `intents:`', 'add `intents:` with a list of `- id: ...` items')
    return { intents, problems, warnings }
  }
  const list = resolve(doc, intentsPair.value)
  if (list === null || list === undefined || (isScalar(list) && list.value === null)) {
    warn(lineOf(intentsPair.key, 1), 'intents is empty', 'add intents under `intents:` or delete the file')
    return { intents, problems, warnings }
  }
  if (!isSeq(list)) {
    problem(lineOf(list, lineOf(intentsPair.key, 1)), 'intents is not a list', 'write each intent as a list item starting with `- id: ...`')
    return { intents, problems, warnings }
  }

  list.items.forEach((rawItem, index) => {
    const item = resolve(doc, rawItem)
    const path = `intents[${index}]`
    const itemLine = lineOf(item, lineOf(list, 1))
    if (!isMap(item)) {
      problem(itemLine, `${path} is not a mapping`, 'write the intent as `- id: ...` with examples and answer indented below it')
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
    problem(lineOf(list, listLine), 'learned is not a list', 'write each entry as `- intent: id` with `examples:` below it')
    return out
  }
  list.items.forEach((rawItem, index) => {
    const item = resolve(doc, rawItem)
    const path = `learned[${index}]`
    const line = lineOf(item, listLine)
    if (!isMap(item)) {
      problem(line, `${path} is not a mapping`, 'write `- intent: id` with `examples:` indented below it')
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
        if (typeof raw !== 'string' || raw.trim() === '' || /\s/.test(raw.trim())) problem(valueLine, `${path}.intent must be an intent id`, 'write the id of an intent defined in another file, e.g. `intent: invoice.request`')
        else intentId = raw.trim()
      } else if (key === 'examples') {
        examples = []
        if (isEmptyNode(node)) continue
        if (!isSeq(node)) {
          problem(valueLine, `${path}.examples must be a list`, 'write one `- 问题` per line')
          continue
        }
        node.items.forEach((rawExample, i) => {
          const exampleNode = resolve(doc, rawExample)
          const value = scalarValue(exampleNode)
          if (typeof value !== 'string' || value.trim() === '') problem(lineOf(exampleNode, valueLine), `${path}.examples[${i}] must be text`, 'write the question text in quotes, or remove the item')
          else examples?.push(value.trim())
        })
      } else {
        warn(lineOf(p.key, line), `${path} has unknown key "${key ?? '?'}", which is ignored`, `an entry has only ${LEARNED_KEYS.map((k) => `\`${k}:\``).join(' and ')}`)
      }
    }
    if (!intentId) {
      if (!item.items.some((p) => keyName(p) === 'intent')) problem(line, `${path} has no intent`, 'add `intent: id` naming the intent these examples belong to')
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
    fail(itemLine, `${path} has no id`, 'add `id: topic.name` (unique across all files, e.g. logistics.track)')
  } else {
    const raw = scalarValue(idValue.node)
    if (raw === null || raw === undefined || (typeof raw === 'string' && raw.trim() === '')) {
      fail(idValue.line, `${path}.id is empty`, 'give the intent an id such as logistics.track')
    } else if (typeof raw !== 'string') {
      fail(idValue.line, `${path}.id must be text, got ${describe(raw, idValue.node)}`, 'write the id as text, e.g. `id: logistics.track` (quote numbers)')
    } else if (/\s/.test(raw.trim())) {
      fail(idValue.line, `${path}.id "${raw}" contains spaces`, 'use letters, digits, dots, dashes or underscores, e.g. logistics.track')
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
      `${name} has unknown key "${key}", which is ignored`,
      suggestion ? `did you mean "${suggestion}"?` : `known keys: ${INTENT_KEYS.join(', ')}`,
    )
  }

  // name: optional, for people (the console shows it beside the id)
  let displayName: string | undefined
  const nameValue = valueOf('name')
  if (nameValue) {
    const raw = scalarValue(nameValue.node)
    if (typeof raw !== 'string' || raw.trim() === '') {
      fail(nameValue.line, `${name}.name must be text, got ${describe(raw, nameValue.node)}`, 'write a short name people read, e.g. `name: 查物流`, or remove it')
    } else if ([...raw.trim()].length > NAME.maxLength) {
      fail(nameValue.line, `${name}.name is longer than ${NAME.maxLength} characters`, 'keep it short, e.g. `name: 查物流`; the details belong in the answer')
    } else displayName = raw.trim()
  }

  // examples
  const examples: string[] = []
  const examplesValue = valueOf('examples')
  if (!examplesValue || isEmptyNode(examplesValue.node)) {
    fail(examplesValue?.line ?? itemLine, `${name} has no examples`, 'add `examples:` with a few questions customers ask, e.g. [我的快递到哪了, 怎么查物流]')
  } else if (!isSeq(examplesValue.node)) {
    fail(examplesValue.line, `${name}.examples must be a list`, 'write `examples: [问题一, 问题二]` or one `- 问题` per line')
  } else {
    const seen = new Set<string>()
    examplesValue.node.items.forEach((rawExample, i) => {
      const node = resolve(doc, rawExample)
      const line = lineOf(node, examplesValue.line)
      const value = scalarValue(node)
      if (value === null || value === undefined || (typeof value === 'string' && value.trim() === '')) {
        fail(line, `${name}.examples[${i}] is empty`, 'write the question text or remove the empty item')
      } else if (typeof value !== 'string') {
        fail(line, `${name}.examples[${i}] must be text, got ${describe(value, node)}`, 'put quotes around it, e.g. "12345"')
      } else if (seen.has(value.trim())) {
        warn(line, `${name}.examples[${i}] "${value.trim()}" is listed twice`, 'remove the duplicate')
      } else {
        seen.add(value.trim())
        examples.push(value.trim())
      }
    })
    if (examplesValue.node.items.length === 0) {
      fail(examplesValue.line, `${name} has no examples`, 'add at least one question customers ask')
    }
  }

  // answer
  let answer = ''
  const answerValue = valueOf('answer')
  if (!answerValue) {
    fail(itemLine, `${name} has no answer`, 'add `answer: "..."` with the reply to send')
  } else {
    const raw = scalarValue(answerValue.node)
    if (raw === null || raw === undefined || (typeof raw === 'string' && raw.trim() === '')) {
      fail(answerValue.line, `${name}.answer is empty`, 'add an answer')
    } else if (typeof raw !== 'string') {
      fail(answerValue.line, `${name}.answer must be text, got ${describe(raw, answerValue.node)}`, 'put the answer in quotes')
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
    else fail(autoSendValue.line, `${name}.auto_send must be true or false, got ${describe(raw, autoSendValue.node)}`, 'write `auto_send: true` or `auto_send: false` (yes/no are not booleans here)')
  }

  // threshold
  let threshold: number | undefined
  const thresholdValue = valueOf('threshold')
  if (thresholdValue) {
    const raw = scalarValue(thresholdValue.node)
    if (typeof raw !== 'number' || Number.isNaN(raw)) {
      fail(thresholdValue.line, `${name}.threshold must be a number between ${THRESHOLD.minimum} and ${THRESHOLD.maximum}, got ${describe(raw, thresholdValue.node)}`, 'write e.g. `threshold: 0.6`, or remove it to use the default')
    } else if (raw < THRESHOLD.minimum || raw > THRESHOLD.maximum) {
      fail(thresholdValue.line, `${name}.threshold ${raw} is out of range`, `use a number between ${THRESHOLD.minimum} and ${THRESHOLD.maximum} (higher = stricter), e.g. 0.6`)
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
      fail(autoSendThresholdValue.line, `${name}.auto_send_threshold must be a number between ${AUTO_SEND_THRESHOLD.minimum} and ${AUTO_SEND_THRESHOLD.maximum}`, 'e.g. `auto_send_threshold: 0.7` (higher = stricter)')
    } else autoSendThreshold = raw
  }

  // slots and ask
  let slots: SlotName[] | undefined
  const slotsValue = valueOf('slots')
  if (slotsValue) {
    const items = isSeq(slotsValue.node) ? slotsValue.node.items.map((i) => scalarValue(resolve(doc, i))) : undefined
    const bad = items?.find((i) => typeof i !== 'string' || !SLOT_NAMES.includes(i))
    if (!items || items.length === 0 || bad !== undefined) {
      fail(slotsValue.line, `${name}.slots must be a list of ${SLOT_NAMES.join(', ')}${bad !== undefined ? `, got "${String(bad)}"` : ''}`, 'e.g. `slots: [order_id]`, and use {{order_id}} in the answer')
    } else {
      slots = [...new Set(items as SlotName[])]
      for (const slot of slots) {
        if (!answer.includes(`{{${slot}}}`)) warn(slotsValue.line, `${name} asks for ${slot} but its answer has no {{${slot}}}`, `put {{${slot}}} where the value belongs in the answer`)
      }
    }
  }
  let ask: string | undefined
  const askValue = valueOf('ask')
  if (askValue) {
    const raw = scalarValue(askValue.node)
    if (typeof raw !== 'string' || raw.trim() === '') fail(askValue.line, `${name}.ask must be text`, 'e.g. `ask: "{{name}}，麻烦发一下订单号，我帮您查～"`')
    else if (!slotsValue) warn(askValue.line, `${name}.ask is only used with slots`, 'add `slots: [order_id]` or remove ask')
    else ask = raw.trim()
  }

  if (failures > 0) return undefined
  if (examples.length < 3) {
    warn(examplesValue?.line ?? itemLine, `${name} has only ${examples.length} example${examples.length === 1 ? '' : 's'}`, 'add 5–10 different ways customers ask this, so matching is reliable')
  }
  return {
    id, ...(displayName ? { name: displayName } : {}), examples, answer, autoSend,
    ...(threshold === undefined ? {} : { threshold }),
    ...(autoSendThreshold === undefined ? {} : { autoSendThreshold }),
    ...(slots ? { slots } : {}),
    ...(ask ? { ask } : {}),
  }
}
