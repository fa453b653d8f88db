import { SEVERITY_ORDER } from '../core/vocabulary.js'
import { SLOT_NAMES } from './knowledge-base.js'

/**
 * The knowledge file format, written once as JSON Schema fragments: the loader reads its keys, ranges, lengths and
 * choices from here (parse-knowledge-file.ts and the section readers), and `knowledgeJsonSchema()` assembles the same
 * fragments into knowledge/knowledge.schema.json for editors. Change a field here and both follow; a test checks the
 * committed schema file is the generated one.
 *
 * What the schema cannot say is still checked by the loader only: ids unique across files, one `escalation:` /
 * `matching:` / `synonyms:` per folder, `auto_send` at least `suggest`, a synonym listed under one word only.
 * Unknown keys are errors for editors (they catch typos while typing) but only warnings for the loader (an old
 * bot must not refuse a newer file).
 */

/** Text with at least one visible character (the loader trims and refuses blank text). */
const TEXT = { type: 'string', pattern: '\\S' } as const
/** One word without spaces inside (the loader trims around it). */
const ID_TEXT = { type: 'string', pattern: '^\\s*\\S+\\s*$' } as const
const SCORE = { type: 'number', minimum: 0, maximum: 1 } as const

/** One intent: `- id: … examples: … answer: …`. */
export const INTENT_FORMAT = {
  type: 'object',
  description: '一个意图：客户的一类问题和它的回答',
  required: ['id', 'examples', 'answer'],
  additionalProperties: false,
  properties: {
    id: { ...ID_TEXT, description: '唯一编号，所有文件中不能重复，不能有空格；建议「主题.名称」', examples: ['logistics.track'] },
    name: { ...TEXT, maxLength: 40, description: '可选：给人看的名称，控制台里显示在编号旁边', examples: ['查物流'] },
    examples: { type: 'array', minItems: 1, items: TEXT, description: '客户会怎么问：至少 1 条，建议 5–10 条不同说法' },
    answer: { ...TEXT, description: '回复内容；{{name}} 换成客户的群昵称' },
    auto_send: { type: 'boolean', description: 'true：很有把握时不经人工审核直接回复（默认 false）；只能写 true / false' },
    threshold: { ...SCORE, description: '0–1：只对这个意图生效的接受阈值，越高越严格' },
    auto_send_threshold: { ...SCORE, description: '0–1：这个意图自动发送所需的分数' },
    slots: { type: 'array', minItems: 1, items: { enum: SLOT_NAMES }, description: '回答需要客户提供的信息，答案里用 {{order_id}} 等占位' },
    ask: { ...TEXT, description: '缺少 slots 信息时怎么问（只和 slots 一起用）' },
  },
} as const

/** A band of `matching:`, of `matching.semantic` and of each `matching.groups` item. */
const BAND_PROPERTIES = {
  suggest: { ...SCORE, description: 'S：分数 ≥ S 才起草回答' },
  auto_send: { ...SCORE, description: 'A：分数 ≥ A 且意图 auto_send: true 才自动发送；不低于 suggest' },
} as const

export const MATCHING_FORMAT = {
  type: 'object',
  description: '阈值区间：全局、语义（向量服务参与时）和按群；整个文件夹只写一次',
  additionalProperties: false,
  properties: {
    ...BAND_PROPERTIES,
    semantic: { type: 'object', additionalProperties: false, properties: BAND_PROPERTIES, description: '向量服务参与打分时的全局区间（qundesk kb calibrate --write 写入）' },
    groups: {
      type: 'array',
      description: '某些群更严格的区间',
      items: {
        type: 'object', required: ['match'], additionalProperties: false,
        properties: { match: { ...TEXT, description: '群名或群 id' }, ...BAND_PROPERTIES },
      },
    },
  },
} as const

export const ESCALATION_FORMAT = {
  type: 'object',
  description: '什么时候转人工；不写的键用默认值；整个文件夹只写一次',
  additionalProperties: false,
  properties: {
    keywords: { type: 'array', items: TEXT, description: '客户明确要人工的说法', examples: [['转人工', '人工客服']] },
    intents: { type: 'array', items: TEXT, description: '总是转人工的意图；complaint.* 匹配所有 complaint. 开头的编号' },
    emotion: { enum: SEVERITY_ORDER, description: '负面情绪达到这个程度就转人工；none 关闭' },
    consecutive_misses: { type: 'integer', minimum: 0, maximum: 100, description: '同一成员连续几次没匹配到意图就转人工；0 关闭' },
  },
} as const

/** A variant is a word or short phrase customers type. */
const SYNONYM_VARIANT = { ...TEXT, maxLength: 40 } as const

export const SYNONYMS_FORMAT = {
  type: 'object',
  description: '近义词：键是例句里用的词，值是客户会打的其他说法；整个文件夹只写一次',
  propertyNames: { pattern: '\\S' },
  additionalProperties: { anyOf: [SYNONYM_VARIANT, { type: 'array', items: SYNONYM_VARIANT }] },
} as const

export const LEARNED_FORMAT = {
  type: 'array',
  description: '控制台「学习候选」里采纳的例句（knowledge/learned.yaml）',
  items: {
    type: 'object', required: ['intent'], additionalProperties: false,
    properties: {
      intent: { ...ID_TEXT, description: '在其他文件里定义的意图编号' },
      examples: { type: ['array', 'null'], items: TEXT, description: '一句一条' },
    },
  },
} as const

/** The top level of a knowledge file; at least one of these sections. */
export const KNOWLEDGE_FILE_FORMAT = {
  type: 'object',
  minProperties: 1,
  additionalProperties: false,
  properties: {
    intents: { type: ['array', 'null'], items: { $ref: '#/$defs/intent' }, description: '意图列表' },
    escalation: { $ref: '#/$defs/escalation' },
    matching: { $ref: '#/$defs/matching' },
    synonyms: { $ref: '#/$defs/synonyms' },
    learned: { $ref: '#/$defs/learned' },
  },
} as const

/** The keys a mapping of the format may have, in the format's order (for unknown-key warnings and their hints). */
export function keysOf(format: { properties: object }): readonly string[] {
  return Object.keys(format.properties)
}

/**
 * knowledge/knowledge.schema.json: the fragments above under one JSON Schema (draft 2020-12).
 *
 * @example
 * JSON.stringify(knowledgeJsonSchema(), null, 2) // what `qundesk kb schema` prints
 */
export function knowledgeJsonSchema(): Record<string, unknown> {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'https://github.com/qundesk/qundesk/knowledge/knowledge.schema.json',
    title: 'QunDesk 知识库 / knowledge base',
    description: 'One file of knowledge/*.yaml. See knowledge/README.md. Generated by `qundesk kb schema` from src/knowledge/knowledge-format.ts — do not edit by hand. `qundesk kb check` also checks ids across files and one escalation / matching / synonyms section per folder.',
    ...KNOWLEDGE_FILE_FORMAT,
    $defs: { intent: INTENT_FORMAT, escalation: ESCALATION_FORMAT, matching: MATCHING_FORMAT, synonyms: SYNONYMS_FORMAT, learned: LEARNED_FORMAT },
  }
}

/**
 * The first line of every knowledge file QunDesk creates (matching.yaml, learned.yaml), as the sample files carry it:
 * editors with the YAML language server then complete and check keys against knowledge.schema.json beside it.
 */
export const KNOWLEDGE_SCHEMA_COMMENT = '# yaml-language-server: $schema=./knowledge.schema.json'

/** The schema file's text, as committed (two-space JSON and a final newline). */
export function knowledgeJsonSchemaText(): string {
  return `${JSON.stringify(knowledgeJsonSchema(), null, 2)}\n`
}
