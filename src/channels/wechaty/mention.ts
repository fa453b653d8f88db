/** Separators WeChat clients put after an @name: U+2005 (four-per-em space, what Wechaty sends), spaces, NBSP. */
const AFTER_MENTION = '[\\u2005\\u0020\\u00a0\\u3000]'

export interface MentionResult {
  mentioned: boolean
  /** The text with every @-mention of the bot removed and whitespace trimmed. */
  question: string
}

/**
 * Finds "@<name>" for any of the bot's names (its nickname, its alias in this room) in a message text.
 * A text fallback for `message.mentionSelf()`, which several puppets get wrong (wechaty issue #2149).
 *
 * @example
 * detectMention('@客服助手\u2005我的快递到哪了', ['客服助手']) // { mentioned: true, question: '我的快递到哪了' }
 * detectMention('@客服助手小王 你好', ['客服助手'])            // { mentioned: false, ... }: a different name
 */
export function detectMention(text: string, botNames: readonly string[]): MentionResult {
  const names = [...new Set(botNames.map((n) => n.trim()).filter((n) => n.length > 0))]
    // Longest first, so "客服助手-小美" is removed whole before "客服助手" could match a prefix of it.
    .sort((a, b) => b.length - a.length)
  if (names.length === 0) return { mentioned: false, question: text.trim() }
  const pattern = new RegExp(`[@＠](?:${names.map(escapeRegExp).join('|')})(?=${AFTER_MENTION}|$)${AFTER_MENTION}*`, 'gu')
  let mentioned = false
  const question = text.replace(pattern, () => {
    mentioned = true
    return ' '
  })
  return { mentioned, question: mentioned ? question.replace(/\s+/gu, ' ').trim() : text.trim() }
}

function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
