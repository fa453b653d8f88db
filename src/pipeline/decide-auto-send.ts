/**
 * Whether a drafted answer goes out without an agent: only when its intent is marked `auto_send`, the match was
 * confident (decideIntent: above the auto-send band and clear of the runner-up), and nothing sent the question to a
 * human. The one place this is decided; the approval queue only carries it out. Pure.
 *
 * @example
 * decideAutoSend({ intentAllows: true, confident: true, escalated: false })   // true
 * decideAutoSend({ intentAllows: true, confident: true, escalated: true })    // false: a human answers
 */
export function decideAutoSend(input: { intentAllows: boolean; confident: boolean; escalated: boolean }): boolean {
  return input.intentAllows && input.confident && !input.escalated
}
