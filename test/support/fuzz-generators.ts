import fc from 'fast-check'
import { stringify } from 'yaml'
import { SLOT_NAMES } from '../../src/knowledge/knowledge-base.js'
import { SEVERITY_ORDER } from '../../src/core/vocabulary.js'
import type { Expr, ListItem } from '../../src/tagging/expression/ast.js'
import { METRIC_NAMES, METRICS, type MetricName, type MetricValue } from '../../src/tagging/metrics.js'

/**
 * Generators shared by the fuzz and property tests (test/unit/fuzz, test/integration/*-fuzz). Every run is seeded:
 * fast-check prints `seed` and `path` with a counterexample, and `fuzzParams` passes both back in to replay it.
 */

/**
 * fast-check parameters: a fixed seed per property, so CI runs the same cases every time. A failure is reported at
 * once, with its seed and path and without shrinking (which can outlast a CI timeout on large inputs); to replay and
 * shrink it, pass `{ path, endOnFailure: false }` as `extra` with that seed. FUZZ_SEED explores other cases locally.
 */
export function fuzzParams<T>(seed: number, numRuns: number, extra: Partial<fc.Parameters<T>> = {}): fc.Parameters<T> {
  const override = process.env.FUZZ_SEED
  return { seed: override ? Number(override) : seed, numRuns, endOnFailure: true, ...extra }
}

/** Fuzz tests run thousands of cases: room for a slow or busy CI machine (a limit, not a timed assertion). */
export const FUZZ_TEST_TIMEOUT = 120_000

/** mulberry32, for loops that generate many cases without fast-check's bookkeeping (e.g. HTTP requests). */
export function prng(seed: number) {
  let a = seed >>> 0
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const int = (n: number) => Math.floor(next() * n)
  return { next, int, pick: <T>(items: readonly T[]): T => items[int(items.length)]!, chance: (p: number) => next() < p }
}
export type Prng = ReturnType<typeof prng>

// ---------------------------------------------------------------------------------------------------------------
// Text mutations: start from a valid file and break it the way hand edits (and attackers) do.

/** One edit; positions are fractions of the current text so the same op applies to any text. */
export type TextMutation =
  | { op: 'delete-line'; at: number }
  | { op: 'duplicate-line'; at: number }
  | { op: 'swap-lines'; at: number; with: number }
  | { op: 'indent'; at: number; by: number; tab: boolean }
  | { op: 'insert'; at: number; text: string }
  | { op: 'delete'; at: number; length: number }
  | { op: 'replace-char'; at: number; char: string }
  | { op: 'truncate'; at: number }
  | { op: 'repeat'; at: number; length: number; times: number }

/** Characters that break parsers: NUL, BOM, lone surrogates, line separators, C1 controls, full-width punctuation. */
export const NASTY_CHARS = ['\u0000', '\uFEFF', '\uD800', '\uDFFF', '\u2028', '\u2029', '\u0085', '\u001B', '\t', '\r', '\n', '\u00A0', '\u3000', '＂', '，', '：', '＃', '字', '🚚', '\u200B']

const position = fc.double({ min: 0, max: 1, noNaN: true })

export function textMutation(tokens: readonly string[]): fc.Arbitrary<TextMutation> {
  return fc.oneof(
    fc.record({ op: fc.constant('delete-line' as const), at: position }),
    fc.record({ op: fc.constant('duplicate-line' as const), at: position }),
    fc.record({ op: fc.constant('swap-lines' as const), at: position, with: position }),
    fc.record({ op: fc.constant('indent' as const), at: position, by: fc.integer({ min: -4, max: 6 }), tab: fc.boolean() }),
    { weight: 3, arbitrary: fc.record({ op: fc.constant('insert' as const), at: position, text: fc.oneof(fc.constantFrom(...tokens), fc.constantFrom(...NASTY_CHARS), fc.string({ maxLength: 6 })) }) },
    fc.record({ op: fc.constant('delete' as const), at: position, length: fc.integer({ min: 1, max: 12 }) }),
    fc.record({ op: fc.constant('replace-char' as const), at: position, char: fc.oneof(fc.constantFrom(...NASTY_CHARS), fc.string({ minLength: 1, maxLength: 1, unit: 'binary' })) }),
    fc.record({ op: fc.constant('truncate' as const), at: position }),
    fc.record({ op: fc.constant('repeat' as const), at: position, length: fc.integer({ min: 1, max: 40 }), times: fc.integer({ min: 2, max: 6 }) }),
  )
}

export function applyMutation(text: string, m: TextMutation): string {
  const at = (f: number, n: number) => Math.min(n, Math.floor(f * (n + 1)))
  const lines = text.split('\n')
  const line = (f: number) => Math.min(lines.length - 1, Math.floor(f * lines.length))
  switch (m.op) {
    case 'delete-line':
      lines.splice(line(m.at), 1)
      return lines.join('\n')
    case 'duplicate-line': {
      const i = line(m.at)
      lines.splice(i, 0, lines[i]!)
      return lines.join('\n')
    }
    case 'swap-lines': {
      const [i, j] = [line(m.at), line(m.with)]
      ;[lines[i], lines[j]] = [lines[j]!, lines[i]!]
      return lines.join('\n')
    }
    case 'indent': {
      const i = line(m.at)
      const current = lines[i]!
      lines[i] = m.by >= 0 ? (m.tab ? '\t' : ' '.repeat(m.by)) + current : current.replace(new RegExp(`^ {0,${-m.by}}`), '')
      return lines.join('\n')
    }
    case 'insert': {
      const i = at(m.at, text.length)
      return text.slice(0, i) + m.text + text.slice(i)
    }
    case 'delete': {
      const i = at(m.at, text.length)
      return text.slice(0, i) + text.slice(i + m.length)
    }
    case 'replace-char': {
      const i = at(m.at, text.length)
      return text.slice(0, i) + m.char + text.slice(i + 1)
    }
    case 'truncate':
      return text.slice(0, at(m.at, text.length))
    case 'repeat': {
      const i = at(m.at, text.length)
      return text.slice(0, i) + text.slice(i, i + m.length).repeat(m.times) + text.slice(i)
    }
  }
}

/** A seed text with 1–6 random edits applied. */
export function mutatedText(seeds: readonly string[], tokens: readonly string[]): fc.Arbitrary<string> {
  return fc.tuple(fc.constantFrom(...seeds), fc.array(textMutation(tokens), { minLength: 1, maxLength: 6 })).map(([seed, edits]) => edits.reduce(applyMutation, seed))
}

// ---------------------------------------------------------------------------------------------------------------
// YAML

/** YAML syntax and values that hand edits and hostile files bring in: tags, anchors, directives, odd scalars. */
export const YAML_TOKENS = [
  '- ', ': ', '  ', '\t', '\n', '\r\n', '\r', ' #', '#', '&a ', '*a', '<<: *a\n', '? ', '[', ']', '{', '}', ', ', '"', "'", '|\n', '>-\n', '\\',
  '---\n', '...\n', '%YAML 1.1\n---\n', '%TAG ! tag:evil.example,2026:\n---\n', '!!js/function "function () { process.exit(1) }"', '!!js/undefined ~',
  '!!python/object/apply:os.system ["rm -rf /"]', '!!binary aGVsbG8=', '!!set ', '!!omap ', '!!timestamp ', '!!int ', '!!float ', '!!str ', '!custom ', '!<tag:x> ',
  'null', '~', 'true', 'yes', 'no', 'on', '0x1F', '0o17', '1e999', '-1e999', '.inf', '-.inf', '.nan', '12345678901234567890', '-0', '0.5', '2026-11-23',
  'intents:', 'id:', 'examples:', 'answer:', 'auto_send:', 'threshold:', 'auto_send_threshold:', 'slots:', 'ask:', 'escalation:', 'keywords:', 'emotion:',
  'consecutive_misses:', 'matching:', 'suggest:', 'groups:', 'match:', 'tags:', 'when:', 'description:', 'lifecycle:', 'schedule:', 'actions:', 'on:',
  'tag:', 'notify_agents:', 'cooldown_days:', 'manual_tags:', '__proto__', 'constructor', 'prototype', '{{name}}', '{{order_id}}', "has_tag('x')", 'and', ' or ',
]

/** Files built to hurt: alias bombs, deep nesting, huge scalars and keys, many keys, prototype keys, odd encodings. */
export function evilYaml(kind: 'knowledge' | 'rules'): fc.Arbitrary<string> {
  const top = kind === 'knowledge' ? 'intents' : 'tags'
  const item = kind === 'knowledge' ? '  - id: a\n    examples: [q]\n    answer: x\n' : '  - id: a\n    when: messages_30d > 0\n'
  return fc.oneof(
    // Billion laughs: each level refers to the previous one several times.
    fc.record({ levels: fc.integer({ min: 2, max: 12 }), fan: fc.integer({ min: 2, max: 9 }) }).map(({ levels, fan }) => {
      const lines = ['l0: &l0 [lol]']
      for (let i = 1; i <= levels; i++) lines.push(`l${i}: &l${i} [${Array.from({ length: fan }, () => `*l${i - 1}`).join(', ')}]`)
      return `${lines.join('\n')}\n${top}: *l${levels}\n`
    }),
    // Many aliases of one anchor (under and over the alias limit).
    fc.integer({ min: 1, max: 400 }).map((n) => `${top}:\n${item.replace(/^ {2}- /, '  - &x\n    ')}${'  - *x\n'.repeat(n)}`),
    // Deep nesting, flow and block, closed or not; around the nesting limit and far past it.
    fc.record({ depth: fc.oneof(fc.integer({ min: 1, max: 80 }), fc.integer({ min: 500, max: 5000 })), style: fc.constantFrom('flow-seq', 'flow-map', 'block-seq', 'block-map', 'compact'), closed: fc.boolean() }).map(({ depth, style, closed }) => {
      switch (style) {
        case 'flow-seq': return `${top}: ${'['.repeat(depth)}${closed ? ']'.repeat(depth) : ''}\n`
        case 'flow-map': return `${top}: ${'{a: '.repeat(depth)}1${closed ? '}'.repeat(depth) : ''}\n`
        case 'block-seq': return `${top}:\n${Array.from({ length: Math.min(depth, 400) }, (_, i) => `${' '.repeat(i * 2 + 2)}- `).join('\n')}x\n`
        case 'block-map': return `${top}:\n${Array.from({ length: Math.min(depth, 400) }, (_, i) => `${' '.repeat(i * 2 + 2)}k:`).join('\n')} x\n`
        case 'compact': return `${top}:\n  ${'- '.repeat(depth)}x\n`
      }
    }),
    // Huge scalars: one long answer/condition, a long key, a long id.
    fc.record({ size: fc.integer({ min: 1_000, max: 50_000 }), where: fc.constantFrom('value', 'key', 'id', 'comment') }).map(({ size, where }) => {
      const big = '字'.repeat(size)
      if (where === 'key') return `${big}: 1\n${top}:\n${item}`
      if (where === 'comment') return `# ${big}\n${top}:\n${item}`
      if (where === 'id') return `${top}:\n${item.replace('id: a', `id: ${big}`)}`
      return `${top}:\n${item.replace(kind === 'knowledge' ? 'answer: x' : 'when: messages_30d > 0', kind === 'knowledge' ? `answer: ${big}` : `when: "${'messages_30d > 0 and '.repeat(size / 20)}true"`)}`
    }),
    // Many keys and many items.
    fc.integer({ min: 50, max: 200 }).map((n) => `${top}:\n${Array.from({ length: n }, (_, i) => item.replace('id: a', `id: a${i}`)).join('')}`),
    fc.integer({ min: 50, max: 200 }).map((n) => `${Array.from({ length: n }, (_, i) => `k${i}: ${i}`).join('\n')}\n${top}:\n${item}`),
    // Prototype keys everywhere.
    fc.constantFrom('__proto__', 'constructor', 'prototype', 'hasOwnProperty', 'toString').map((k) => `${k}: {polluted: true}\n${top}:\n  - ${k}: {polluted: true}\n${item.replace(/^ {2}- /, '    ')}`),
    // Unsafe tags.
    fc.constantFrom('!!js/function "function () { return 1 }"', '!!js/regexp /x/', '!!python/object/apply:os.system ["id"]', '!!binary aGk=', '!<tag:yaml.org,2002:js/undefined> ~')
      .map((tag) => `${top}: ${tag}\n`),
    // Encodings: BOMs, NULs, CR-only line ends, lone surrogates.
    fc.constantFrom('\uFEFF', '\uFEFF\uFEFF', '\u0000', '\uD800').map((c) => `${c}${top}:\n${item.replace('a', `a${c}`)}`),
    fc.constant(`${top}:\n${item}`.replace(/\n/g, '\r')),
  )
}

// ---------------------------------------------------------------------------------------------------------------
// Text that survives the loaders' trimming: non-empty, no leading or trailing whitespace.

const TEXT_CHARS = fc.oneof(
  { weight: 6, arbitrary: fc.string({ minLength: 1, maxLength: 1, unit: 'grapheme' }) },
  { weight: 3, arbitrary: fc.constantFrom('快', '递', '退', '款', '吗', '？', '，', '。', '！', '😀', '🚚') },
  { weight: 2, arbitrary: fc.constantFrom(': ', ' #', '#', '-', '[', ']', '{', '}', '"', "'", '\\', '&', '*', '!', '|', '>', '%', '@', '`', ',', '?', '\t', '\n', '\u0000', '\u0085', '\u2028', '{{name}}') },
)

/** Text as admins write it (Chinese, emoji, YAML's special characters, control characters), already trimmed. */
export const trimmedText = (maxLength = 30): fc.Arbitrary<string> =>
  fc.string({ minLength: 1, maxLength, unit: TEXT_CHARS }).map((s) => s.trim()).filter((s) => s !== '')

/** Ids and names: no whitespace at all. */
const idPart = fc.stringMatching(/^[a-z_][a-z0-9_-]{0,7}$/)
export const intentId = fc.tuple(idPart, fc.array(idPart, { maxLength: 2 })).map(([head, rest]) => [head, ...rest].join('.'))

// ---------------------------------------------------------------------------------------------------------------
// Knowledge files as a model, written out by the yaml library in random styles.

export interface IntentModel {
  id: string
  examples: string[]
  answer: string
  auto_send?: boolean
  threshold?: number
  auto_send_threshold?: number
  slots?: string[]
  ask?: string
}

export interface KnowledgeModel {
  intents: IntentModel[]
  escalation?: { keywords?: string[]; intents?: string[]; emotion?: string; consecutive_misses?: number }
  matching?: { suggest?: number; auto_send?: number; groups?: Array<{ match: string; suggest?: number; auto_send?: number }> }
}

const fraction = fc.oneof(fc.constantFrom(0, 1, 0.5, 0.25, 0.7), fc.double({ min: 0, max: 1, noNaN: true }).filter((n) => !Object.is(n, -0)))

/** A band with suggest <= auto_send (the loader refuses the reverse). */
const band = fc.tuple(fc.option(fraction, { nil: undefined }), fc.option(fraction, { nil: undefined })).map(([a, b]) => {
  const out: { suggest?: number; auto_send?: number } = {}
  if (a !== undefined && b !== undefined) Object.assign(out, { suggest: Math.min(a, b), auto_send: Math.max(a, b) })
  else if (a !== undefined) out.suggest = a
  else if (b !== undefined) out.auto_send = b
  return out
})

export const knowledgeModel: fc.Arbitrary<KnowledgeModel> = fc.record({
  intents: fc.uniqueArray(
    fc.record({
      id: intentId,
      examples: fc.uniqueArray(trimmedText(), { minLength: 1, maxLength: 6 }),
      answer: trimmedText(60),
      auto_send: fc.option(fc.boolean(), { nil: undefined }),
      threshold: fc.option(fraction, { nil: undefined }),
      auto_send_threshold: fc.option(fraction, { nil: undefined }),
      slots: fc.option(fc.uniqueArray(fc.constantFrom(...SLOT_NAMES), { minLength: 1, maxLength: SLOT_NAMES.length }), { nil: undefined }),
      ask: fc.option(trimmedText(), { nil: undefined }),
    }, { requiredKeys: ['id', 'examples', 'answer'] }).map((intent) => {
      // `ask` only counts with slots; without them it is a warning and dropped, which the model mirrors.
      if (!intent.slots) delete intent.ask
      return intent as IntentModel
    }),
    { minLength: 1, maxLength: 5, selector: (i) => i.id },
  ),
  escalation: fc.option(fc.record({
    keywords: fc.array(trimmedText(8), { minLength: 1, maxLength: 4 }),
    intents: fc.array(fc.oneof(intentId, intentId.map((id) => `${id}.*`)), { minLength: 1, maxLength: 3 }),
    emotion: fc.constantFrom(...SEVERITY_ORDER),
    consecutive_misses: fc.integer({ min: 0, max: 100 }),
  }, { requiredKeys: [] }), { nil: undefined }),
  matching: fc.option(fc.tuple(band, fc.array(fc.tuple(trimmedText(20), band), { maxLength: 3 })).map(([global, groups]) => ({
    ...global,
    ...(groups.length > 0 ? { groups: groups.map(([match, b]) => ({ match, ...b })) } : {}),
  })), { nil: undefined }),
}, { requiredKeys: ['intents'] })

/** How the yaml library may write a document: block or flow, any indent, any string style it can round-trip. */
export const yamlStyle = fc.record({
  indent: fc.integer({ min: 2, max: 6 }),
  collectionStyle: fc.constantFrom('any', 'block', 'flow') as fc.Arbitrary<'any' | 'block' | 'flow'>,
  defaultStringType: fc.constantFrom('PLAIN', 'QUOTE_DOUBLE', 'QUOTE_SINGLE', 'BLOCK_LITERAL', 'BLOCK_FOLDED') as fc.Arbitrary<'PLAIN' | 'QUOTE_DOUBLE' | 'QUOTE_SINGLE' | 'BLOCK_LITERAL' | 'BLOCK_FOLDED'>,
  lineEnding: fc.constantFrom('\n', '\r\n'),
  bom: fc.boolean(),
})
export type YamlStyle = typeof yamlStyle extends fc.Arbitrary<infer T> ? T : never

/**
 * A model written as YAML by the yaml library, in the given style. Never folded (lineWidth 0, as the learned-examples
 * export writes): yaml 2.9's folding of quoted text can write `undefined` into the output (flow style, indent 6,
 * width 40 and astral characters), a writer bug that is not ours to test.
 */
export function writeYaml(model: unknown, style: YamlStyle): string {
  const text = stringify(model, { indent: style.indent, collectionStyle: style.collectionStyle, defaultStringType: style.defaultStringType, lineWidth: 0 })
  return (style.bom ? '\uFEFF' : '') + (style.lineEnding === '\n' ? text : text.replace(/\n/g, style.lineEnding))
}

// ---------------------------------------------------------------------------------------------------------------
// Rule expressions: random token soups, and well-typed expressions printed with random spelling and spacing.

export const EXPRESSION_TOKENS = [
  ...METRIC_NAMES.slice(0, 8), 'in_group', 'join_scene', 'return_rate', 'mesages_30d', 'MESSAGES_30D', 'x', '_', '__proto__', 'constructor', 'process', 'exit',
  'and', 'or', 'not', 'in', 'true', 'false', 'null', 'AND', 'Or', 'NULL', 'has_tag', 'asked', 'eval', 'require',
  '==', '!=', '<', '<=', '>', '>=', '&&', '||', '!', '+', '-', '*', '/', '(', ')', '[', ']', ',', '=', '&', '|', '%', '.', ';', '`', '$', '{', '}',
  '0', '1', '7', '0.5', '1.', '.5', '05', '1e3', '12345678901234567890123', '99999999999999999999', '5%',
  "'VIP'", "'新成员'", '"x"', "'", '"', "'\\''", "'a\\\\'", "'logistics.*'", "'*'", "''", "' '", "'a b'", "'a*b'",
  '（', '）', '＞', '＝', '，', '“', '。', '字', '🚚', '\u0000', '\uD800', '\uFEFF', '\u3000', ' ', '  ', '\t', '\n',
]

export const expressionSoup = fc.array(fc.constantFrom(...EXPRESSION_TOKENS), { maxLength: 40 }).chain((tokens) =>
  fc.array(fc.constantFrom('', ' ', ' '), { minLength: tokens.length, maxLength: tokens.length }).map((gaps) => tokens.map((t, i) => t + gaps[i]).join('')))

const NUMBER_METRICS = METRIC_NAMES.filter((m) => METRICS[m].type === 'number')
const BOOLEAN_METRICS = METRIC_NAMES.filter((m) => METRICS[m].type === 'boolean')
const NULLABLE_METRICS = METRIC_NAMES.filter((m) => METRICS[m].nullable)

/** Number literals as the tokenizer reads them: digits with an optional fraction, at most 20 characters. */
const numberText = fc.oneof(fc.nat({ max: 100_000 }).map(String), fc.tuple(fc.nat({ max: 9999 }), fc.stringMatching(/^[0-9]{1,4}$/)).map(([a, b]) => `${a}.${b}`), fc.stringMatching(/^[1-9][0-9]{0,19}$/))
const tagName = fc.oneof(fc.constantFrom('VIP', '新成员', '黑名单', "it's", 'a\\b', '"q"'), fc.string({ minLength: 1, maxLength: 12, unit: 'grapheme' }).filter((s) => s.trim() !== ''))
const intentPattern = fc.oneof(fc.constant('*'), intentId, intentId.map((id) => `${id}.*`))

/** AST without positions: what a printed expression must parse back to. */
export type Shape =
  | { kind: 'number'; value: number }
  | { kind: 'string'; value: string }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'null' }
  | { kind: 'metric'; name: string }
  | { kind: 'unary'; op: '-' | 'not'; operand: Shape }
  | { kind: 'binary'; op: string; left: Shape; right: Shape }
  | { kind: 'in'; value: Shape; items: Array<{ kind: 'number' | 'string' | 'boolean'; value: number | string | boolean }> }
  | { kind: 'call'; name: 'has_tag' | 'asked'; arg: string }

/** A typed expression together with its text. */
export interface Printed { text: string; shape: Shape }

/** Drops columns, so a parsed AST compares with a generated shape. */
export function shapeOf(ast: Expr): Shape {
  switch (ast.kind) {
    case 'number': case 'string': case 'boolean': return { kind: ast.kind, value: ast.value } as Shape
    case 'null': return { kind: 'null' }
    case 'metric': return { kind: 'metric', name: ast.name }
    case 'call': return { kind: 'call', name: ast.name, arg: ast.arg }
    case 'unary': return { kind: 'unary', op: ast.op, operand: shapeOf(ast.operand) }
    case 'binary': return { kind: 'binary', op: ast.op, left: shapeOf(ast.left), right: shapeOf(ast.right) }
    case 'in': return { kind: 'in', value: shapeOf(ast.value), items: ast.items.map((i: ListItem) => ({ kind: i.kind, value: i.value })) }
  }
}

const quoteArg = (s: string, q: "'" | '"') => `${q}${s.replace(/\\/g, '\\\\').replace(new RegExp(q, 'g'), `\\${q}`)}${q}`
const gap = fc.constantFrom('', ' ', '  ', '\t', '\n')
const space = fc.constantFrom(' ', '  ', '\t', '\n ')

/**
 * Well-typed rule expressions (the whole thing a yes/no condition), printed fully parenthesised with random
 * spacing and operator spelling (`and`/`&&`, `not`/`!`), paired with the AST they must parse to.
 */
const expressionDepth = fc.createDepthIdentifier()
export const typedExpression: fc.Arbitrary<Printed> = fc.letrec<{ num: Printed; bool: Printed }>((tie) => ({
  num: fc.oneof(
    { maxDepth: 4, depthIdentifier: expressionDepth, depthSize: 'small', withCrossShrink: true },
    numberText.map((t) => ({ text: t, shape: { kind: 'number', value: Number(t) } as Shape })),
    fc.constantFrom(...NUMBER_METRICS).map((m) => ({ text: m, shape: { kind: 'metric', name: m } as Shape })),
    fc.tuple(intentPattern, fc.constantFrom("'", '"') as fc.Arbitrary<"'" | '"'>).map(([p, q]) => ({ text: `asked(${quoteArg(p, q)})`, shape: { kind: 'call', name: 'asked', arg: p } as Shape })),
    // The parser folds a minus before a literal (`-(5)`) into the literal -5.
    fc.tuple(tie('num'), gap).map(([n, g]) => ({ text: `-${g}(${n.text})`, shape: (n.shape.kind === 'number' ? { kind: 'number', value: -n.shape.value } : { kind: 'unary', op: '-', operand: n.shape }) as Shape })),
    fc.tuple(tie('num'), fc.constantFrom('+', '-', '*', '/'), tie('num'), gap, gap).map(([l, op, r, g1, g2]) => ({ text: `(${l.text}${g1}${op}${g2}${r.text})`, shape: { kind: 'binary', op, left: l.shape, right: r.shape } as Shape })),
  ),
  bool: fc.oneof(
    { maxDepth: 4, depthIdentifier: expressionDepth, depthSize: 'small', withCrossShrink: true },
    fc.boolean().map((b) => ({ text: String(b), shape: { kind: 'boolean', value: b } as Shape })),
    fc.constantFrom(...BOOLEAN_METRICS).map((m) => ({ text: m, shape: { kind: 'metric', name: m } as Shape })),
    fc.tuple(tagName, fc.constantFrom("'", '"') as fc.Arbitrary<"'" | '"'>).map(([t, q]) => ({ text: `has_tag(${quoteArg(t, q)})`, shape: { kind: 'call', name: 'has_tag', arg: t } as Shape })),
    fc.tuple(fc.constantFrom('not ', 'not\t', '!', '! '), tie('bool')).map(([not, b]) => ({ text: `${not}(${b.text})`, shape: { kind: 'unary', op: 'not', operand: b.shape } as Shape })),
    fc.tuple(tie('bool'), fc.constantFrom(['and', 'and'], ['&&', 'and'], ['or', 'or'], ['||', 'or']), tie('bool'), space, space).map(([l, [spelt, op], r, g1, g2]) => ({ text: `(${l.text}${g1}${spelt}${g2}${r.text})`, shape: { kind: 'binary', op, left: l.shape, right: r.shape } as Shape })),
    fc.tuple(tie('num'), fc.constantFrom('==', '!=', '<', '<=', '>', '>='), tie('num'), gap, gap).map(([l, op, r, g1, g2]) => ({ text: `(${l.text}${g1}${op}${g2}${r.text})`, shape: { kind: 'binary', op, left: l.shape, right: r.shape } as Shape })),
    fc.tuple(tie('bool'), fc.constantFrom('==', '!='), tie('bool')).map(([l, op, r]) => ({ text: `((${l.text}) ${op} (${r.text}))`, shape: { kind: 'binary', op, left: l.shape, right: r.shape } as Shape })),
    fc.tuple(fc.constantFrom(...NULLABLE_METRICS), fc.constantFrom('==', '!='), fc.boolean()).map(([m, op, flip]) => ({
      text: flip ? `(null ${op} ${m})` : `(${m} ${op} null)`,
      shape: { kind: 'binary', op, left: flip ? { kind: 'null' } : { kind: 'metric', name: m }, right: flip ? { kind: 'metric', name: m } : { kind: 'null' } } as Shape,
    })),
    fc.tuple(tie('num'), fc.array(fc.oneof(numberText, numberText.map((n) => `-${n}`)), { minLength: 1, maxLength: 4 })).map(([n, items]) => ({
      text: `((${n.text}) in [${items.join(', ')}])`,
      shape: { kind: 'in', value: n.shape, items: items.map((t) => ({ kind: 'number', value: Number(t) })) } as Shape,
    })),
  ),
})).bool

/** Member facts as storage might hand them over, including values the catalogue does not promise. */
export const memberFacts = fc.record({
  metrics: fc.dictionary(
    fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...METRIC_NAMES) }, fc.constantFrom('__proto__', 'constructor', 'unknown_metric')),
    fc.oneof(
      { weight: 4, arbitrary: fc.integer({ min: -5, max: 100 }) },
      fc.double(),
      fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.MAX_VALUE, -0, 5e-324),
      fc.boolean(),
      fc.string({ maxLength: 4 }),
      fc.constant(null),
    ) as fc.Arbitrary<MetricValue>,
    { maxKeys: METRIC_NAMES.length },
  ) as fc.Arbitrary<Partial<Record<MetricName, MetricValue>>>,
  tags: fc.array(fc.oneof(tagName, fc.constantFrom('VIP', '新成员', '__proto__')), { maxLength: 4 }),
  questionsByIntent: fc.dictionary(fc.oneof(intentId, fc.constantFrom('__proto__', 'constructor', 'logistics.track')), fc.oneof(fc.nat({ max: 9 }), fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, -1, 1e308)), { maxKeys: 4 }),
})

// ---------------------------------------------------------------------------------------------------------------
// CSV

/** Pieces that make CSV hard: quotes, separators, every line ending, BOMs, NULs, formula prefixes, wide text. */
export const CSV_TOKENS = ['"', '""', ',', '\r\n', '\n', '\r', '\uFEFF', '\u0000', ' ', '\t', ';', '=', '+', '-', '@', '字', '🚚', 'wxid_a', '1,234.50', '2026-11-01', '120.5', 'member_id', '会员ID', '月消费']

/** Cells for the round trip: anything a CRM export might hold, including every character CSV has to quote. */
export const csvCell = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 12, unit: fc.oneof(fc.constantFrom('"', ',', '\r', '\n', '\r\n', ' ', '字', '\u0000', '\uFEFF', "'", '='), fc.string({ minLength: 1, maxLength: 1, unit: 'grapheme' })) }) },
  fc.string({ maxLength: 8 }),
  fc.constant(''),
)

/** RFC 4180 writer: quote a cell when it holds a quote, comma or line break (or is the only, empty, cell of a row). */
export function writeCsv(rows: readonly (readonly string[])[], lineEnding: string, options: { quoteAll?: boolean; trailingNewline?: boolean } = {}): string {
  const cell = (value: string, only: boolean) => options.quoteAll || /[",\r\n]/.test(value) || (only && value === '') ? `"${value.replace(/"/g, '""')}"` : value
  const body = rows.map((row) => row.map((value) => cell(value, row.length === 1)).join(',')).join(lineEnding)
  return options.trailingNewline ? body + lineEnding : body
}

/** Random bytes biased towards what breaks decoders: bad UTF-8 leads, overlongs, surrogates, truncations, BOMs. */
export const nastyBytes = fc.array(fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...[...'a,"\n\r1.-'].map((c) => [c.charCodeAt(0)])) },
  fc.constantFrom([0xef, 0xbb, 0xbf], [0xe5, 0xad, 0x97], [0xc0, 0xaf], [0xe0, 0x80, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xf8], [0xff], [0xfe], [0x80], [0xc3], [0xe5, 0xad], [0xd6, 0xd0], [0x00]),
  fc.nat({ max: 255 }).map((b) => [b]),
), { maxLength: 60 }).map((chunks) => Uint8Array.from(chunks.flat()))

// ---------------------------------------------------------------------------------------------------------------
// Rules files as a model.

export interface RulesModel {
  tags: Array<{ id: string; when: string; description?: string }>
  lifecycle?: string[]
  schedule?: string
  actions?: Array<{ on: 'tag_added' | 'tag_removed'; tag: string; suggest?: string; auto_send?: boolean; notify_agents?: boolean; cooldown_days?: number }>
  manual_tags?: string[]
}

/** Tag names: at most 30 characters, no whitespace, anything else goes (the YAML writer quotes what it must). */
export const tagId = fc.string({ minLength: 1, maxLength: 12, unit: fc.constantFrom('新', '成', '员', '活', '跃', '沉', '默', 'V', 'I', 'P', '_', '-', '.', 'a', 'z', '0', '9', '!', '#', ':', '{', '"', "'", '*', '😀') })

/** Action texts use only the placeholders the sender fills in. */
const actionText = fc.tuple(trimmedText(30), fc.constantFrom('', '{{name}}', '{{ tag }}', '{{name}}，{{tag}}')).map(([t, p]) => `${p}${t}`.trim())
  .filter((t) => t !== '' && [...t.matchAll(/\{\{\s*([^}]*?)\s*\}\}/g)].every((m) => m[1] === 'name' || m[1] === 'tag'))

export const rulesModel: fc.Arbitrary<RulesModel> = fc.uniqueArray(tagId, { minLength: 2, maxLength: 8 }).chain((names) => {
  const cut = 1 + Math.floor(names.length / 2)
  const [tagIds, manual] = [names.slice(0, cut), names.slice(cut)]
  return fc.record({
    tags: fc.tuple(...tagIds.map((id) => fc.record({
      id: fc.constant(id),
      when: typedExpression.map((e) => e.text).filter((text) => Array.from(text).length <= 500),
      description: fc.option(trimmedText(30), { nil: undefined }),
    }, { requiredKeys: ['id', 'when'] }))),
    lifecycle: fc.option(fc.shuffledSubarray(tagIds, { minLength: 1 }), { nil: undefined }),
    schedule: fc.option(fc.constantFrom('0 3 * * *', '*/15 * * * *', '0 0 1 * *', '30 2 * * 1-5', '0 */6 * * *', '5 4 * * sun'), { nil: undefined }),
    actions: fc.option(fc.array(fc.record({
      on: fc.constantFrom('tag_added' as const, 'tag_removed' as const),
      tag: fc.constantFrom(...tagIds),
      suggest: fc.option(actionText, { nil: undefined }),
      auto_send: fc.option(fc.boolean(), { nil: undefined }),
      notify_agents: fc.option(fc.boolean(), { nil: undefined }),
      cooldown_days: fc.option(fc.integer({ min: 0, max: 3650 }), { nil: undefined }),
    }, { requiredKeys: ['on', 'tag'] }).map((a) => {
      // The loader refuses an action that does nothing, and auto_send without text: the model stays valid.
      if (!a.suggest && !a.notify_agents) a.notify_agents = true
      if (!a.suggest) delete a.auto_send
      return a
    }), { minLength: 1, maxLength: 4 }), { nil: undefined }),
    manual_tags: manual.length > 0 ? fc.option(fc.constant(manual), { nil: undefined }) : fc.constant(undefined),
  }, { requiredKeys: ['tags'] }) as fc.Arbitrary<RulesModel>
})
