import { createKnowledgeBase, type Intent, type KnowledgeBase } from '../knowledge/knowledge-base.js'
import { ANSWER_VARIABLES } from '../knowledge/render-answer.js'
import { decideIntent } from './decide-intent.js'
import { trainIntentMatcher, type IntentMatcher } from './intent-matcher.js'
import { normalizeText } from './normalize-text.js'

export type KnowledgeLintKind = 'confusable' | 'few_examples' | 'duplicate_example' | 'shared_example' | 'unknown_placeholder'

/** Something an admin may want to improve in the knowledge; never stops it from loading. Messages are Chinese-first. */
export interface KnowledgeLintWarning {
  kind: KnowledgeLintKind
  /** Where to look: the intent's file (or the example's / answer's line when the file text was given). */
  file: string
  line: number
  message: string
  hint: string
  /** The intents concerned (two for confusable and shared_example). */
  intentIds: string[]
  /** confusable: the held-out examples that landed on the other intent, as `intent: text`; others: the texts concerned. */
  examples: string[]
  /** confusable: confusions / examples of both intents (0..1). */
  share?: number
}

export interface KnowledgeLintReport {
  warnings: KnowledgeLintWarning[]
  /** How the confusion part was measured: examples held out, matchers trained, time taken. */
  confusion: { heldOut: number; folds: number; ms: number }
}

export interface LintOptions {
  /** Folds of held-out examples; each trains one matcher. Default 5 (see `findConfusablePairs`). */
  folds?: number
  /** Report a pair when this share of both intents' held-out examples land on the other one. Default 0.2. */
  minShare?: number
  /** Trains a matcher; default in-process. The bot passes its worker training so the event loop stays free. */
  train?: (kb: KnowledgeBase) => Promise<IntentMatcher>
  /** The text of a knowledge file, to point at an example's or answer's own line; without it, the intent's line. */
  fileText?: (file: string) => string | undefined
}

/** Fewer examples than this, and paraphrases are often missed. */
export const MIN_EXAMPLES = 3
const DEFAULT_FOLDS = 5
const DEFAULT_MIN_SHARE = 0.2
const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/gu

/**
 * Lints a loaded knowledge base: confusable intent pairs (held-out examples answered with the other intent),
 * intents with fewer than 3 examples, duplicate examples within an intent, examples shared by two intents (same
 * normalised text) and `{{variables}}` the bot never fills. Pure apart from training matchers, which `train`
 * may move to a worker.
 *
 * @example
 * const report = await lintKnowledge(kb, { fileText: (f) => fs.readFileSync(f, 'utf8') })
 * for (const w of report.warnings) console.log(`${w.file}:${w.line}: ${w.message} — ${w.hint}`)
 */
export async function lintKnowledge(kb: KnowledgeBase, options: LintOptions = {}): Promise<KnowledgeLintReport> {
  const started = performance.now()
  const confusion = await findConfusablePairs(kb, options)
  const ms = performance.now() - started
  return { warnings: [...confusion.warnings, ...lintKnowledgeText(kb, options)], confusion: { heldOut: confusion.heldOut, folds: confusion.folds, ms } }
}

/**
 * The cheap checks (no training): few examples, duplicates within an intent, examples shared by two intents,
 * unknown placeholders in answers.
 *
 * @example
 * lintKnowledgeText(kb).filter((w) => w.kind === 'unknown_placeholder')
 */
export function lintKnowledgeText(kb: KnowledgeBase, options: Pick<LintOptions, 'fileText'> = {}): KnowledgeLintWarning[] {
  const warnings: KnowledgeLintWarning[] = []
  const locate = createLocator(options.fileText)
  const owners = new Map<string, { intent: Intent; text: string }>()
  for (const intent of kb.intents) {
    const where = intent.source
    const distinct = new Set(intent.examples.map(normalizeText).filter((t) => t !== ''))
    if (distinct.size < MIN_EXAMPLES) {
      warnings.push({
        kind: 'few_examples', file: where.file, line: where.line, intentIds: [intent.id], examples: [...intent.examples],
        message: `意图 ${intent.id} 只有 ${distinct.size} 个不同的例句（建议至少 ${MIN_EXAMPLES} 个）`,
        hint: '补充几种客户的真实问法，换词、换语序，匹配会更稳',
      })
    }
    const seen = new Map<string, string>()
    for (const example of intent.examples) {
      const key = normalizeText(example)
      if (key === '') continue
      const first = seen.get(key)
      if (first !== undefined) {
        // (The loader already drops an example written twice word for word, with a kb check warning.)
        warnings.push({
          kind: 'duplicate_example', ...locate(intent, example), intentIds: [intent.id], examples: [first, example],
          message: `意图 ${intent.id} 的例句「${example}」与「${first}」重复（去掉标点、空格、数字和客套话后相同）`,
          hint: '删掉其中一个，换成一种新的问法',
        })
        continue
      }
      seen.set(key, example)
      const owner = owners.get(key)
      if (owner && owner.intent.id !== intent.id) {
        warnings.push({
          kind: 'shared_example', ...locate(intent, example), intentIds: [owner.intent.id, intent.id], examples: [owner.text, example],
          message: `例句「${example}」同时属于 ${owner.intent.id}（${owner.intent.source.file}:${owner.intent.source.line}）和 ${intent.id}`,
          hint: '只保留在一个意图里，机器人才知道该用哪个答案',
        })
      } else if (!owner) owners.set(key, { intent, text: example })
    }
    for (const [placeholder, name = ''] of intent.answer.matchAll(PLACEHOLDER)) {
      if (ANSWER_VARIABLES.includes(name)) continue
      warnings.push({
        kind: 'unknown_placeholder', ...locate(intent, placeholder), intentIds: [intent.id], examples: [placeholder],
        message: `意图 ${intent.id} 的答案里有未知变量 ${placeholder}，发出时会被删掉`,
        hint: `可用的变量：${ANSWER_VARIABLES.map((v) => `{{${v}}}`).join('、')}；其他内容请直接写进答案`,
      })
    }
  }
  return warnings
}

/**
 * Leave-one-out confusion in folds: every example is held out once, the matcher is trained on the rest and the
 * example is decided as the bot decides (`decideIntent`); an example answered with another intent counts as a
 * confusion of the pair. One matcher per example would cost hundreds of trainings, so examples are dealt into
 * `folds` folds, intent by intent, round robin: an intent with at most `folds` examples loses exactly one per
 * fold, which is leave-one-out for it (the other intents lose one too, a small perturbation); larger intents
 * lose a fifth, still plenty left. Cost: `folds` trainings.
 *
 * @example
 * const { warnings } = await findConfusablePairs(kb) // kind 'confusable', with the examples that crossed over
 */
export async function findConfusablePairs(kb: KnowledgeBase, options: LintOptions = {}): Promise<{ warnings: KnowledgeLintWarning[]; heldOut: number; folds: number }> {
  const intents = kb.intents
  const train = options.train ?? ((k: KnowledgeBase) => trainIntentMatcher(k))
  const folds = Math.max(2, Math.floor(options.folds ?? DEFAULT_FOLDS))
  const minShare = options.minShare ?? DEFAULT_MIN_SHARE
  // fold of example j of intent i: (i + j) % folds, so small intents spread over different folds.
  const foldOf = (i: number, j: number) => (i + j) % folds
  const crossings = new Map<string, { from: number; to: number; texts: string[] }>()
  let heldOut = 0
  let trained = 0
  for (let fold = 0; fold < folds; fold++) {
    const held: Array<{ intent: number; text: string }> = []
    const rest = intents.map((intent, i) => {
      const examples: string[] = []
      intent.examples.forEach((text, j) => (foldOf(i, j) === fold ? held.push({ intent: i, text }) : examples.push(text)))
      return { ...intent, examples }
    })
    if (held.length === 0) continue
    const matcher = await train(createKnowledgeBase(rest, [...kb.files], { escalation: kb.escalation, bands: kb.bands }))
    trained++
    for (const { intent, text } of held) {
      heldOut++
      const decided = decideIntent(await matcher.match(text), kb).intent
      if (!decided || decided.intentId === intents[intent]!.id) continue
      const to = intents.findIndex((x) => x.id === decided.intentId)
      const key = `${intent}>${to}`
      const entry = crossings.get(key) ?? { from: intent, to, texts: [] }
      entry.texts.push(text)
      crossings.set(key, entry)
    }
  }
  const pairs = new Map<string, { a: number; b: number; texts: string[] }>()
  for (const { from, to, texts } of crossings.values()) {
    const [a, b] = from < to ? [from, to] : [to, from]
    const pair = pairs.get(`${a}|${b}`) ?? { a, b, texts: [] }
    pair.texts.push(...texts.map((t) => `${intents[from]!.id}: ${t}`))
    pairs.set(`${a}|${b}`, pair)
  }
  const warnings: KnowledgeLintWarning[] = []
  for (const { a, b, texts } of pairs.values()) {
    const A = intents[a]!
    const B = intents[b]!
    const share = texts.length / (A.examples.length + B.examples.length)
    if (share < minShare) continue
    warnings.push({
      kind: 'confusable', file: A.source.file, line: A.source.line, intentIds: [A.id, B.id], examples: texts, share: Math.round(share * 1000) / 1000,
      message: `意图 ${A.id} 与 ${B.id}（${B.source.file}:${B.source.line}）容易混淆：留出的例句中 ${texts.length} 句被答成了另一个（${Math.round(share * 100)}%）`,
      hint: '让两边的例句更有区分度（写出各自特有的词），或合并成一个意图',
    })
  }
  warnings.sort((x, y) => (y.share ?? 0) - (x.share ?? 0))
  return { warnings, heldOut, folds: trained }
}

/**
 * Finds the line of `text` inside the intent's block when the file text is known; else the intent's line. A line
 * that is the text as a list item wins over one that merely contains it (请问运费怎么算 contains 运费怎么算).
 */
function createLocator(fileText: LintOptions['fileText']): (intent: Intent, text: string) => { file: string; line: number } {
  const lines = new Map<string, string[] | undefined>()
  return (intent, text) => {
    const { file, line } = intent.source
    if (!fileText) return { file, line }
    if (!lines.has(file)) lines.set(file, fileText(file)?.split(/\r?\n/))
    const all = lines.get(file)
    if (!all) return { file, line }
    // The intent's block: from its line to the next list item at the same indentation (the next intent).
    const indent = /^\s*/.exec(all[line - 1] ?? '')?.[0].length ?? 0
    let end = all.length
    for (let n = line + 1; n <= all.length; n++) {
      if (/^\s*-\s+id\s*:/.test(all[n - 1]!) && (/^\s*/.exec(all[n - 1]!)?.[0].length ?? 0) <= indent) {
        end = n - 1
        break
      }
    }
    const item = (l: string) => l.trim().replace(/^-\s*/, '').replace(/^(["'])(.*)\1$/, '$2') === text
    for (const fits of [item, (l: string) => l.includes(text)]) {
      for (let n = line; n <= end; n++) if (fits(all[n - 1]!)) return { file, line: n }
    }
    return { file, line }
  }
}
