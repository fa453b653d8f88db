import { validateDetailed } from 'node-cron'

const FIELDS_5 = '分 时 日 月 星期'
/** node-cron's field names, as admins read them. */
const CRON_FIELDS: Readonly<Record<string, string>> = {
  second: '秒字段', minute: '分字段', hour: '时字段', dayOfMonth: '日字段', month: '月字段', dayOfWeek: '星期字段',
}

/**
 * Checks a cron expression the way node-cron (which runs the re-tag job) will read it, and explains the problem
 * in admin terms. Returns undefined when it is valid.
 *
 * @example
 * scheduleProblem('0 3 * * *') // undefined (every day at 03:00)
 * scheduleProblem('0 25 * * *') // { message: 'schedule "0 25 * * *"：时字段 "25" 无效', hint: ... }
 */
export function scheduleProblem(expression: string): { message: string; hint: string } | undefined {
  const hint = `5 个字段：${FIELDS_5}（可在最前面加第 6 个字段表示秒），如 "0 3 * * *" = 每天 03:00`
  const fields = expression.trim().split(/\s+/).filter(Boolean)
  if (fields.length !== 5 && fields.length !== 6) {
    return { message: `schedule "${expression}" 有 ${fields.length} 个字段，应为 5 或 6 个`, hint }
  }
  const result = validateDetailed(fields.join(' '))
  if (result.valid) return undefined
  const first = result.errors[0]
  const field = first ? CRON_FIELDS[first.field] ?? first.field : '表达式'
  return {
    message: first?.value !== undefined && first.field !== 'expression'
      ? `schedule "${expression}"：${field} "${first.value}" 无效`
      : `schedule "${expression}" 不是有效的 cron 表达式`,
    hint,
  }
}
