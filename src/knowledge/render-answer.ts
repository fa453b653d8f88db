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
