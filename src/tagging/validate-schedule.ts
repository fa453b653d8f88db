import { validateDetailed } from 'node-cron'

const FIELDS_5 = 'minute hour day-of-month month day-of-week'

/**
 * Checks a cron expression the way node-cron (which runs the re-tag job) will read it, and explains the problem
 * in admin terms. Returns undefined when it is valid.
 *
 * @example
 * scheduleProblem('0 3 * * *') // undefined (every day at 03:00)
 * scheduleProblem('0 25 * * *') // { message: 'schedule "0 25 * * *": hour "25" is not valid', hint: ... }
 */
export function scheduleProblem(expression: string): { message: string; hint: string } | undefined {
  const hint = `5 fields: ${FIELDS_5} (an optional 6th field in front is seconds), e.g. "0 3 * * *" = every day at 03:00`
  const fields = expression.trim().split(/\s+/).filter(Boolean)
  if (fields.length !== 5 && fields.length !== 6) {
    return { message: `schedule "${expression}" has ${fields.length} field${fields.length === 1 ? '' : 's'}, expected 5 or 6`, hint }
  }
  const result = validateDetailed(fields.join(' '))
  if (result.valid) return undefined
  const first = result.errors[0]
  const field = first?.field.replace(/([A-Z])/g, ' $1').toLowerCase() ?? 'expression'
  return {
    message: first?.value !== undefined && first.field !== 'expression'
      ? `schedule "${expression}": ${field} "${first.value}" is not valid`
      : `schedule "${expression}" is not a valid cron expression`,
    hint,
  }
}
