import { SLOT_NAMES } from './knowledge-base.js'
import { safeDisplayName } from './safe-display-name.js'

/**
 * The `{{variables}}` the bot fills in an answer: the customer's name and the slots found in their question
 * (suggest-reply, fill-slots). Anything else is left out of the reply, so an admin's typo silently loses text.
 */
export const ANSWER_VARIABLES: readonly string[] = ['name', ...SLOT_NAMES]

/** Anything in double braces; spaces around the name are allowed (`{{ name }}`). */
const PLACEHOLDER = /\{\{([^{}]*)\}\}/g
/** Marks where a missing var was, so tidying touches only those spots and never the admin's own text. */
const GAP = '\u0000'

/**
 * Fills `{{name}}` and other `{{vars}}` in an answer template. Missing or empty vars are left out cleanly:
 * no `{{x}}` ever reaches a customer, and the space or punctuation left dangling by the gap is tidied
 * (`"{{name}}，您好"` with no name becomes `"您好"`).
 *
 * @example
 * renderAnswer('{{name}}您好，快递一般 {{days}} 天到。', { name: '小王', days: '3' }) // '小王您好，快递一般 3 天到。'
 * renderAnswer('{{name}}您好，请稍等。', {}) // '您好，请稍等。'
 */
export function renderAnswer(template: string, vars: Record<string, string | undefined>): string {
  // One pass, so a value that itself contains braces (a nickname) is inserted verbatim, never re-expanded.
  const filled = template.replace(PLACEHOLDER, (_match, rawKey: string) => {
    const key = rawKey.trim()
    const value = Object.prototype.hasOwnProperty.call(vars, key) ? vars[key]?.replaceAll(GAP, '').trim() : undefined
    return value ? value : GAP
  })
  if (!filled.includes(GAP)) return filled
  return filled
    .replace(/[（(「【[]\s*\u0000\s*[）)」】\]]/g, GAP) // "订单（{{order}}）" -> "订单"
    .replace(/(^|\n)([ \t]*\u0000)+[ \t]*[，,、:：]?[ \t]*/g, '$1') // "{{name}}，您好" -> "您好"
    .replace(/[ \t]+\u0000[ \t]+/g, ' ') // "一般 {{days}} 天" -> "一般 天"
    .replace(/[ \t]*\u0000[ \t]*/g, '')
    .trim()
}

/**
 * An answer addressed to a member: `{{name}}` gets their nickname made safe (safeDisplayName), never the raw one.
 * `nameAltered` says the template uses the name and the nickname had to be changed: such a reply waits for an agent
 * (decideAutoSend), since the name was the customer's to choose.
 *
 * @example
 * renderMemberAnswer('{{name}}您好', '小王')                 // { text: '小王您好', nameAltered: false }
 * renderMemberAnswer('{{name}}您好', '【通知】小王')         // { text: '通知 小王您好', nameAltered: true }
 */
export function renderMemberAnswer(template: string, memberName: string, vars: Record<string, string | undefined> = {}): { text: string; nameAltered: boolean } {
  const name = safeDisplayName(memberName)
  const usesName = [...template.matchAll(PLACEHOLDER)].some(([, key]) => key?.trim() === 'name')
  return { text: renderAnswer(template, { ...vars, name: name.text }), nameAltered: usesName && name.changed }
}
