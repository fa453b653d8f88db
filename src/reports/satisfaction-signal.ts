import { SEVERITY_ORDER, type Severity } from '../core/vocabulary.js'

/** How a customer took a reply, read from what they wrote after it. */
export type Satisfaction = 'positive' | 'negative' | 'unknown'

/**
 * Phrases that say the reply helped. Matched as substrings of the customer's text, so each is a whole word in
 * Chinese: '好的' and not '好' (which would count 不好 as thanks), '收到' only unless negated (没收到 is a complaint).
 */
export const POSITIVE_PHRASES: readonly string[] = [
  '谢谢', '感谢', '多谢', '谢啦', '3q', 'thanks', 'thank you', 'thx',
  '好的', '好滴', '好嘞', '好哒', '收到', '明白了', '懂了', '知道了', '解决了', '可以了', '搞定了', '没问题了', 'ok了', '👍',
]

/** Phrases that say the reply did not help, whatever else the message says ('谢谢，还是不行' is negative). */
export const NEGATIVE_PHRASES: readonly string[] = [
  '还是不行', '不行啊', '没用', '不管用', '不好使', '不对', '没解决', '没有解决', '未解决', '还是没', '还没好', '答非所问', '看不懂',
]

/**
 * A positive phrase right after one of these is its negation (没收到, 不好的, 不谢): not a thanks. Negative phrases
 * carry their own negation, so they need no such check.
 */
const NEGATIONS = ['不', '没', '未', '别', '无']

/**
 * The stored emotion (messages.emotion_severity) from which a message counts as negative. `mild` already needs a
 * complaint word (还是不行, 什么破服务, 太慢了); neutral text and plain thanks score `none`.
 */
export const NEGATIVE_EMOTION_FROM: Severity = 'mild'

/** One message the customer wrote after the reply: its analysed text and the emotion the pipeline stored. */
export interface FollowUpMessage {
  text: string
  emotionSeverity: string | null
}

/**
 * What one message says about the reply: a negative phrase or negative emotion wins over a thanks in the same
 * message ('谢谢你们的垃圾服务' scores moderate: negative); otherwise a positive phrase not negated; else nothing.
 *
 * @example
 * readFollowUp({ text: '好的，谢谢', emotionSeverity: 'none' })          // 'positive'
 * readFollowUp({ text: '不好', emotionSeverity: 'mild' })                // 'negative'
 * readFollowUp({ text: '我还没收到', emotionSeverity: 'none' })          // 'unknown'
 */
export function readFollowUp(message: FollowUpMessage): Satisfaction {
  const text = message.text.toLowerCase()
  if (NEGATIVE_PHRASES.some((phrase) => text.includes(phrase))) return 'negative'
  if (isNegativeEmotion(message.emotionSeverity)) return 'negative'
  return POSITIVE_PHRASES.some((phrase) => hasUnnegated(text, phrase)) ? 'positive' : 'unknown'
}

/**
 * The customer's satisfaction with a reply from all they wrote in the group within the window after it: any
 * negative message makes it negative (a thanks followed by 还是不行 means the fix did not hold), else any positive
 * one makes it positive, else unknown (silence, or only other talk).
 *
 * @example
 * judgeSatisfaction([{ text: '谢谢', emotionSeverity: 'none' }, { text: '还是不行', emotionSeverity: 'mild' }])   // 'negative'
 * judgeSatisfaction([])                                                                                          // 'unknown'
 */
export function judgeSatisfaction(followUps: readonly FollowUpMessage[]): Satisfaction {
  let verdict: Satisfaction = 'unknown'
  for (const message of followUps) {
    const read = readFollowUp(message)
    if (read === 'negative') return 'negative'
    if (read === 'positive') verdict = 'positive'
  }
  return verdict
}

function isNegativeEmotion(severity: string | null): boolean {
  const rank = SEVERITY_ORDER.indexOf(severity as Severity)
  return rank >= SEVERITY_ORDER.indexOf(NEGATIVE_EMOTION_FROM)
}

/** Whether `phrase` occurs in `text` at least once without a negation right before it. */
function hasUnnegated(text: string, phrase: string): boolean {
  for (let at = text.indexOf(phrase); at >= 0; at = text.indexOf(phrase, at + 1)) {
    if (!NEGATIONS.includes(text[at - 1] ?? '')) return true
  }
  return false
}
