import { buildEmotionIndex, normalizeForEmotion } from './build-emotion-index.js'
import type { EmotionIndex, HeadPattern } from './build-emotion-index.js'
import { COMPLAINT_CONTEXT, IMPATIENT_CHARACTERS, INTENSIFIER_WINDOW, NEGATOR_FILLERS, REPETITION_EXEMPT, WAITING_PATTERNS } from './emotion-lexicon.js'
import type { EmotionResult, EmotionSignal, EmotionSignalKind } from './emotion-types.js'
import { analyzedText } from '../../core/text-limits.js'
import { SEVERITY_ORDER, type Severity } from '../../core/vocabulary.js'
import { minimumScoreFor, scoreToSeverity, sumToScore } from './score-to-severity.js'

export type { EmotionResult, EmotionSignal, EmotionSignalKind } from './emotion-types.js'

/** By 64 signals the score has long saturated; stopping keeps hostile input (垃圾 × 1000) cheap and the result small. */
const MAX_SIGNALS = 64
/** Each further occurrence of the same signal counts half the one before: 垃圾垃圾垃圾 is angrier than 垃圾, not 3×. */
const REPEAT_DAMPING = 0.5

interface RawSignal {
  kind: EmotionSignalKind
  text: string
  weight: number
  floor?: Severity
}

interface PendingIntensifier {
  start: number
  end: number
  multiplier: number
  standaloneWeight: number
}

let sharedIndex: EmotionIndex | undefined

/**
 * Scores how negative a customer message sounds and says why. Pure and synchronous: one pass over the text with the
 * tables in emotion-lexicon.ts (see README.md in this folder for the categories and thresholds).
 *
 * @example
 * detectEmotion('我的快递到哪了').severity // 'none'
 * detectEmotion('怎么还没发货').severity // 'mild'
 * detectEmotion('再不处理我就去12315投诉').signals.map((s) => s.text) // ['再不', '12315', '投诉']
 */
export function detectEmotion(text: string): EmotionResult {
  if (typeof text !== 'string' || text.length === 0) return { severity: 'none', score: 0, signals: [] }
  const index = (sharedIndex ??= buildEmotionIndex())
  // Group messages are short; anything longer is a paste, and its opening says enough about the mood.
  return summarize(scan(normalizeForEmotion(analyzedText(text)), index))
}

/** Weight of the `sarcasm` signal for 这不是坑人吗: the negated word counts as said, plus this for the turn of phrase. */
const RHETORICAL_WEIGHT = 0.15
/** 呵呵 in a complaint is a sneer, not a laugh: this much on top of its lexicon weight. */
const SNEER_WEIGHT = 0.3

function scan(text: string, index: EmotionIndex): RawSignal[] {
  const out: RawSignal[] = []
  const waits = findWaiting(text)
  let nextWait = 0
  let pending: PendingIntensifier | null = null

  const expire = (at: number): void => {
    if (pending === null || at - pending.end <= INTENSIFIER_WINDOW) return
    if (pending.standaloneWeight > 0) out.push({ kind: 'intensifier', text: text.slice(pending.start, pending.end), weight: pending.standaloneWeight })
    pending = null
  }
  const emitNegative = (kind: EmotionSignalKind, start: number, end: number, weight: number, floor?: Severity): void => {
    out.push({ kind, text: text.slice(start, end), weight, ...(floor ? { floor } : {}) })
    if (pending !== null && start - pending.end <= INTENSIFIER_WINDOW) {
      out.push({ kind: 'intensifier', text: text.slice(pending.start, pending.end), weight: weight * (pending.multiplier - 1) })
      pending = null
    }
  }

  const markers: { text: string; weight: number }[] = []
  let repetitionEnd = 0
  let i = 0
  while (i < text.length && out.length < MAX_SIGNALS) {
    expire(i)
    while (nextWait < waits.length && waits[nextWait]!.start < i) nextWait++
    const wait = waits[nextWait]
    if (wait !== undefined && wait.start === i) {
      emitNegative('lexicon', wait.start, wait.end, wait.weight)
      i = wait.end
      continue
    }

    const ch = text[i]!
    if (ch === '!' || ch === '?') {
      const end = runEnd(text, i, (c) => c === '!' || c === '?')
      const weight = punctuationWeight(text.slice(i, end))
      if (weight > 0) out.push({ kind: 'punctuation', text: shorten(text.slice(i, end)), weight })
      i = end
      continue
    }
    if (ch === '。' || ch === '.') {
      const end = runEnd(text, i, (c) => c === ch)
      // An ellipsis (。。。 / …… which NFKC makes ...) reads as a sigh; a single full stop reads as nothing.
      if (end - i >= 3) out.push({ kind: 'punctuation', text: shorten(text.slice(i, end)), weight: 0.1 })
      i = end
      continue
    }

    if (i >= repetitionEnd) {
      const repetition = findRepetition(text, i)
      if (repetition !== null) {
        out.push(repetition.signal)
        repetitionEnd = repetition.end
        // 急急急 is one impatient outburst, not three 急: a run of one character is read once, as a whole.
        if (repetition.unitLength === 1) {
          i = repetition.end
          continue
        }
      }
    }

    // 好不好, 是不是, 有没有: an A-not-A question, not a negation; skip the 不 so neither it nor 不好用 fires.
    // 不错不错 is a repeated 不错, not 错-不-错.
    if ((ch === '不' || ch === '没') && i > 0 && i + 1 < text.length && text[i - 1] === text[i + 1] && text[i - 2] !== ch) {
      i++
      continue
    }

    const head = matchHead(text, i, index, () => true)
    const negation = matchNegation(text, i, index)
    if (negation !== null && (head === null || negation.end - i > head.text.length)) {
      if (negation.weight > 0) emitNegative('negation', i, negation.end, negation.weight)
      else if (isRhetorical(text, i)) {
        // 这不是坑人吗 asserts what it seems to deny: read on past the negator so 坑人 counts.
        out.push({ kind: 'sarcasm', text: text.slice(i, negation.end), weight: RHETORICAL_WEIGHT })
        i++
        continue
      } else pending = null // a negated negative (不生气, 不会投诉) calms whatever intensifier came before
      i = negation.end
      continue
    }
    if (head !== null) {
      const end = i + head.text.length
      switch (head.role) {
        case 'neutral':
          pending = null
          break
        case 'intensifier':
          pending = combineIntensifiers(pending, i, end, head)
          break
        case 'emoji':
          out.push({ kind: 'emoji', text: head.text, weight: head.weight })
          break
        case 'marker':
          markers.push({ text: head.text, weight: head.weight })
          break
        default:
          emitNegative(head.role, i, end, head.weight, head.floor)
      }
      i = end
      continue
    }
    i++
  }
  expire(Number.POSITIVE_INFINITY)
  return [...out, ...sarcasmInComplaint(text, out, markers)]
}

/**
 * Praise and [微笑] are sarcastic when the same message complains (呵呵…真是快啊，一个月了还没到; 又坏了[微笑]), and
 * 呵呵 is then a sneer. Without a complaint they add nothing: 真快，昨天下单今天就到了 is praise.
 */
function sarcasmInComplaint(text: string, found: readonly RawSignal[], markers: readonly { text: string; weight: number }[]): RawSignal[] {
  const sneer = found.some((s) => s.kind === 'lexicon' && s.text === '呵呵')
  const complains =
    found.some((s) => s.kind !== 'punctuation' && s.kind !== 'intensifier' && !(s.kind === 'lexicon' && s.text === '呵呵')) ||
    COMPLAINT_CONTEXT.some((pattern) => pattern.test(text))
  if (!complains && !(sneer && markers.length > 0)) return []
  const signals: RawSignal[] = markers.map((m) => ({ kind: 'sarcasm', text: m.text, weight: m.weight }))
  if (sneer) signals.push({ kind: 'sarcasm', text: '呵呵', weight: SNEER_WEIGHT })
  return signals
}

/** 这不是…吗, 岂不是…, 难道不是…吗: a negator after 这/那/岂/难道 in a sentence that ends as a question. */
function isRhetorical(text: string, at: number): boolean {
  const before = text.slice(Math.max(0, at - 3), at)
  if (!/(?:这|那|岂|难道|这还|这就)$/u.test(before)) return false
  const rest = text.slice(at, at + 14)
  const end = rest.search(/[,，。.!！;；\n]/u)
  return /[吗嘛么?？]/u.test(end === -1 ? rest : rest.slice(0, end + 1)) || before.endsWith('岂')
}

/** 真的太慢: stacked intensifiers count as the stronger one plus a little, not as a product. */
function combineIntensifiers(pending: PendingIntensifier | null, start: number, end: number, head: HeadPattern): PendingIntensifier {
  const multiplier = head.multiplier ?? 1
  const standaloneWeight = head.standaloneWeight ?? 0
  if (pending === null || start - pending.end > INTENSIFIER_WINDOW) return { start, end, multiplier, standaloneWeight }
  return {
    start: pending.start,
    end,
    multiplier: Math.max(pending.multiplier, multiplier) + 0.1,
    standaloneWeight: Math.max(pending.standaloneWeight, standaloneWeight),
  }
}

/** Longest table entry at `at` that passes its boundary rules and `accept`. */
function matchHead(text: string, at: number, index: EmotionIndex, accept: (pattern: HeadPattern) => boolean): HeadPattern | null {
  const candidates = index.heads.get(text[at]!)
  if (candidates === undefined) return null
  for (const pattern of candidates) {
    if (!text.startsWith(pattern.text, at) || !accept(pattern)) continue
    const end = at + pattern.text.length
    if (pattern.standalone && (isHan(text.charCodeAt(at - 1)) || isHan(text.charCodeAt(end)))) continue
    // ASCII entries (tmd, wtf, 12315) must not be part of a longer word or number: usb, 13812315xxx.
    if (isAsciiWord(text.charCodeAt(at)) && isAsciiWord(text.charCodeAt(at - 1))) continue
    if (isAsciiWord(text.charCodeAt(end - 1)) && isAsciiWord(text.charCodeAt(end))) continue
    return pattern
  }
  return null
}

/**
 * A negator, an optional filler (会, 想), then a positive word (weight > 0: 不满意) or a negatable negative word
 * (weight 0: 不生气, 不会投诉). Longest negator first, falling back to shorter ones (没有人 → 没 + ...).
 */
function matchNegation(text: string, at: number, index: EmotionIndex): { end: number; weight: number } | null {
  const negators = index.negators.get(text[at]!)
  if (negators === undefined) return null
  for (const negator of negators) {
    if (!text.startsWith(negator.text, at)) continue
    const afterNegator = at + negator.text.length
    for (const filler of ['', ...NEGATOR_FILLERS]) {
      if (filler !== '' && !text.startsWith(filler, afterNegator)) continue
      const k = afterNegator + filler.length
      if (k >= text.length) continue
      const positive = index.positives
        .get(text[k]!)
        ?.find((p) => text.startsWith(p.text, k) && !p.notFollowedBy.some((next) => text.startsWith(next, k + p.text.length)))
      const negative = matchHead(text, k, index, (p) => p.negatable)
      const positiveLength = positive?.text.length ?? 0
      const negativeLength = negative?.text.length ?? 0
      if (positive !== undefined && positiveLength >= negativeLength) return { end: k + positiveLength, weight: positive.weight * negator.strength }
      if (negative !== null) return { end: k + negativeLength, weight: 0 }
    }
  }
  return null
}

function findWaiting(text: string): { start: number; end: number; weight: number }[] {
  const spans: { start: number; end: number; weight: number }[] = []
  for (const { pattern, weight } of WAITING_PATTERNS) {
    for (const match of text.matchAll(pattern)) spans.push({ start: match.index, end: match.index + match[0].length, weight })
  }
  return spans.sort((a, b) => a.start - b.start)
}

/**
 * 快快快, 急急急急, 在吗在吗在吗: a run of one or two Han characters repeated at least three times, found at its start.
 * Laughter, thanks and agreement (哈哈哈, 谢谢谢谢, 好好好) are exempt.
 */
function findRepetition(text: string, at: number): { signal: RawSignal; end: number; unitLength: 1 | 2 } | null {
  const ch = text[at]!
  if (!isHan(ch.charCodeAt(0)) || REPETITION_EXEMPT.has(ch)) return null
  const end = runEnd(text, at, (c) => c === ch)
  const count = end - at
  if (count >= 3) {
    const base = IMPATIENT_CHARACTERS.has(ch) ? 0.25 : 0.15
    const weight = Math.min(base + 0.05 * (count - 3), base + 0.15)
    return { signal: { kind: 'repetition', text: shorten(text.slice(at, end)), weight }, end, unitLength: 1 }
  }
  const unit = text.slice(at, at + 2)
  if (unit.length < 2 || count > 1 || !isHan(unit.charCodeAt(1))) return null
  let repeats = 1
  while (text.startsWith(unit, at + repeats * 2)) repeats++
  if (repeats < 3) return null
  return { signal: { kind: 'repetition', text: shorten(text.slice(at, at + repeats * 2)), weight: 0.2 }, end: at + repeats * 2, unitLength: 2 }
}

/** A pasted wall of 垃圾垃圾… or ！！！… should not come back as a 2000-character signal. */
function shorten(run: string): string {
  return run.length <= 12 ? run : `${run.slice(0, 12)}…`
}

function punctuationWeight(run: string): number {
  if (run.length < 2) return 0
  const hasBang = run.includes('!')
  const hasQuestion = run.includes('?')
  // ?!?! reads angrier than either alone; a lone ! or ? is ordinary punctuation.
  if (hasBang && hasQuestion) return Math.min(0.4, 0.15 + 0.05 * run.length)
  if (hasQuestion) return Math.min(0.3, 0.1 + 0.05 * run.length)
  return Math.min(0.3, 0.05 + 0.05 * run.length)
}

function summarize(raw: RawSignal[]): EmotionResult {
  // "你好！！" is friendly; exclamation marks only count fully when something else is negative.
  const onlyPunctuation = raw.every((s) => s.kind === 'punctuation')
  const seen = new Map<string, number>()
  const signals: EmotionSignal[] = []
  let sum = 0
  let floor: Severity = 'none'
  for (const signal of raw) {
    const key = `${signal.kind}:${signal.text}`
    const count = seen.get(key) ?? 0
    seen.set(key, count + 1)
    let weight = signal.weight * REPEAT_DAMPING ** count
    if (onlyPunctuation && !signal.text.includes('?') && !signal.text.includes('。') && !signal.text.includes('.')) weight *= 0.5
    weight = round(weight)
    if (weight <= 0) continue
    signals.push({ kind: signal.kind, text: signal.text, weight })
    sum += weight
    if (signal.floor && rank(signal.floor) > rank(floor)) floor = signal.floor
  }
  const score = round(Math.max(sumToScore(sum), minimumScoreFor(floor)))
  const byScore = scoreToSeverity(score)
  return { severity: rank(byScore) >= rank(floor) ? byScore : floor, score, signals }
}

function runEnd(text: string, start: number, same: (c: string) => boolean): number {
  let end = start
  while (end < text.length && same(text[end]!)) end++
  return end
}

function rank(severity: Severity): number {
  return SEVERITY_ORDER.indexOf(severity)
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000
}

/** CJK Unified Ideographs and Extension A; NaN (out of range) is not Han. */
function isHan(code: number): boolean {
  return (code >= 0x4e00 && code <= 0x9fff) || (code >= 0x3400 && code <= 0x4dbf)
}

function isAsciiWord(code: number): boolean {
  return (code >= 0x30 && code <= 0x39) || (code >= 0x61 && code <= 0x7a)
}
