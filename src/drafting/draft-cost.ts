import type { ChatMessage } from './chat-completions-client.js'
import type { LlmFailure } from './llm-error.js'

export interface TokenCounts {
  promptTokens: number
  completionTokens: number
  /** The server sent no usage: the counts are estimated from the text. */
  estimated: boolean
}

/**
 * A rough token count for a server that sends no usage: about one token per Chinese character and one per four
 * other characters (what the common tokenizers give for mixed Chinese text), plus a few per message for the
 * chat format. An estimate for the reports, never a bill. Pure.
 *
 * @example
 * estimateTokens('您好，请问能开发票吗')   // 10
 */
export function estimateTokens(text: string): number {
  let wide = 0
  let narrow = 0
  for (const ch of text) {
    if (/[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\u3000-\u303f\uff00-\uffef]/u.test(ch)) wide++
    else narrow++
  }
  return wide + Math.ceil(narrow / 4)
}

/**
 * What a failed request spent, estimated: one the server accepted (its stream broke or ended empty, or it was still
 * working at our timeout) has read the prompt, which hosted providers bill; one it refused (HTTP error) or never
 * reached (network) spent nothing. Pure.
 *
 * @example
 * failureTokens('timeout', messages)   // { promptTokens: 412, completionTokens: 0, estimated: true }
 * failureTokens('http_429', messages)  // { promptTokens: 0, completionTokens: 0, estimated: false }
 */
export function failureTokens(reason: LlmFailure, messages: readonly ChatMessage[]): TokenCounts {
  if (reason.startsWith('http_') || reason === 'network') return { promptTokens: 0, completionTokens: 0, estimated: false }
  return { ...countTokens(messages, '', null), completionTokens: 0 }
}

/** The counts the server reported, or estimated from the prompt and the answer when it reported none. */
export function countTokens(messages: readonly ChatMessage[], answer: string, usage: { promptTokens: number; completionTokens: number } | null): TokenCounts {
  if (usage) return { ...usage, estimated: false }
  const prompt = messages.reduce((sum, m) => sum + 4 + estimateTokens(m.content), 2)
  return { promptTokens: prompt, completionTokens: estimateTokens(answer), estimated: true }
}

/**
 * What one draft cost at the configured prices per 1000 tokens (QUNDESK_LLM_PRICE_*), rounded to 1e-6. Pure.
 *
 * @example
 * draftCost({ promptTokens: 1000, completionTokens: 500, estimated: false }, { input: 0.002, output: 0.006 })   // 0.005
 */
export function draftCost(tokens: Pick<TokenCounts, 'promptTokens' | 'completionTokens'>, pricePer1k: { input: number; output: number }): number {
  const cost = (tokens.promptTokens * pricePer1k.input + tokens.completionTokens * pricePer1k.output) / 1000
  return Math.round(cost * 1e6) / 1e6
}
