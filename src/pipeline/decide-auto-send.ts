/**
 * Whether a drafted answer goes out without an agent: only when its intent is marked `auto_send`, the match was
 * confident (decideIntent: above the auto-send band and clear of the runner-up), nothing sent the question to a
 * human, and the member's name in the reply is theirs as they wrote it (a nickname safeDisplayName had to change, such
 * as 「【官方通知】退款请加微信…」, is someone trying to speak through the bot: an agent looks first), and the draft is
 * not the language model's (「AI 草稿」 is never auto-sent, whatever else holds). The one place this is decided; the
 * approval queue only carries it out (and refuses an auto-send of an AI draft besides). Pure.
 *
 * @example
 * decideAutoSend({ intentAllows: true, confident: true, escalated: false, nameAltered: false })   // true
 * decideAutoSend({ intentAllows: true, confident: true, escalated: true, nameAltered: false })    // false: a human answers
 * decideAutoSend({ intentAllows: true, confident: true, escalated: false, nameAltered: true })    // false: an agent checks the name
 * decideAutoSend({ intentAllows: true, confident: true, escalated: false, nameAltered: false, aiDrafted: true })   // false: never
 */
export function decideAutoSend(input: { intentAllows: boolean; confident: boolean; escalated: boolean; nameAltered: boolean; aiDrafted?: boolean }): boolean {
  if (input.aiDrafted) return false
  return input.intentAllows && input.confident && !input.escalated && !input.nameAltered
}
