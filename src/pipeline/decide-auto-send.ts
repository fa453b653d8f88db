/**
 * Whether a drafted answer goes out without an agent: only when its intent is marked `auto_send`, the match was
 * confident (decideIntent: above the auto-send band and clear of the runner-up), nothing sent the question to a
 * human, and the member's name in the reply is theirs as they wrote it (a nickname safeDisplayName had to change, such
 * as 「【官方通知】退款请加微信…」, is someone trying to speak through the bot: an agent looks first). The one place this is decided; the approval queue only carries it out. Pure.
 *
 * @example
 * decideAutoSend({ intentAllows: true, confident: true, escalated: false, nameAltered: false })   // true
 * decideAutoSend({ intentAllows: true, confident: true, escalated: true, nameAltered: false })    // false: a human answers
 * decideAutoSend({ intentAllows: true, confident: true, escalated: false, nameAltered: true })    // false: an agent checks the name
 */
export function decideAutoSend(input: { intentAllows: boolean; confident: boolean; escalated: boolean; nameAltered: boolean }): boolean {
  return input.intentAllows && input.confident && !input.escalated && !input.nameAltered
}
