import { ExpressionError, MAX_EXPRESSION_LENGTH } from './expression-error.js'

export type Token =
  | { type: 'number'; value: number; text: string; column: number }
  | { type: 'string'; value: string; text: string; column: number }
  | { type: 'name'; text: string; column: number }
  | { type: 'op'; text: Operator; column: number }
  | { type: 'end'; text: ''; column: number }

export type Operator = '==' | '!=' | '<=' | '>=' | '&&' | '||' | '<' | '>' | '+' | '-' | '*' | '/' | '!' | '(' | ')' | '[' | ']' | ','

const TWO_CHAR_OPS: readonly string[] = ['==', '!=', '<=', '>=', '&&', '||']
const ONE_CHAR_OPS: readonly string[] = ['<', '>', '+', '-', '*', '/', '!', '(', ')', '[', ']', ',']

/** Chinese input methods type these by default; naming the half-width twin saves a confused admin. */
const FULL_WIDTH: Record<string, string> = {
  '（': '(', '）': ')', '＞': '>', '＜': '<', '＝': '=', '！': '!', '，': ',', '【': '[', '】': ']', '［': '[', '］': ']',
  '“': '"', '”': '"', '‘': "'", '’': "'", '＋': '+', '－': '-', '＊': '*', '／': '/', '＆': '&', '｜': '|', '。': '.',
}

/**
 * Splits an expression into tokens. Columns are 1-based and count characters (code points), not bytes.
 * Throws ExpressionError on anything that is not part of the language.
 *
 * @example
 * tokenize('messages_30d >= 5').map((t) => t.text) // ['messages_30d', '>=', '5', '']
 */
export function tokenize(text: string): Token[] {
  const chars = Array.from(text)
  if (chars.length > MAX_EXPRESSION_LENGTH) {
    throw new ExpressionError(`条件太长（${chars.length} 个字符，上限 ${MAX_EXPRESSION_LENGTH}）`, MAX_EXPRESSION_LENGTH + 1, '拆成两个标签，再用 has_tag(...) 组合')
  }
  const tokens: Token[] = []
  let i = 0
  while (i < chars.length) {
    const c = chars[i] as string
    const column = i + 1
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++
    } else if (isDigit(c)) {
      let end = i
      while (end < chars.length && isDigit(chars[end] as string)) end++
      if (chars[end] === '.') {
        end++
        if (!isDigit(chars[end] ?? '')) throw new ExpressionError(`数字 "${chars.slice(i, end).join('')}" 的小数点后面没有数字`, column, '写成如 0.5')
        while (end < chars.length && isDigit(chars[end] as string)) end++
      }
      const numberText = chars.slice(i, end).join('')
      const next = chars[end] ?? ''
      if (next === '%') throw new ExpressionError(`${numberText} 后面有百分号`, end + 1, `改写成小数，如 ${numberText}% 写 ${Number(numberText) / 100}`)
      if (isNameChar(next)) throw new ExpressionError(`数字 ${numberText} 后面不应紧跟 "${next}"`, end + 1, '数字和名称之间加空格或运算符')
      const value = Number(numberText)
      if (!Number.isFinite(value) || numberText.length > 20) throw new ExpressionError(`数字 ${numberText.slice(0, 24)}${numberText.length > 24 ? '…' : ''} 太长`, column, '最多 20 位数字')
      tokens.push({ type: 'number', value, text: numberText, column })
      i = end
    } else if (c === '.' && isDigit(chars[i + 1] ?? '')) {
      throw new ExpressionError('数字以小数点开头', column, '在小数点前加 0，如 0.5')
    } else if (c === "'" || c === '"') {
      let end = i + 1
      let value = ''
      while (end < chars.length && chars[end] !== c) {
        // Backslash escapes only the quote and the backslash: tag names never need more.
        if (chars[end] === '\\' && (chars[end + 1] === c || chars[end + 1] === '\\')) end++
        value += chars[end]
        end++
      }
      if (end >= chars.length) throw new ExpressionError(`以 ${c} 开头的文字没有闭合`, column, `补上结尾的 ${c}`)
      tokens.push({ type: 'string', value, text: chars.slice(i, end + 1).join(''), column })
      i = end + 1
    } else if (isNameStart(c)) {
      let end = i
      while (end < chars.length && isNameChar(chars[end] as string)) end++
      tokens.push({ type: 'name', text: chars.slice(i, end).join(''), column })
      i = end
    } else {
      const two = c + (chars[i + 1] ?? '')
      if (TWO_CHAR_OPS.includes(two)) {
        tokens.push({ type: 'op', text: two as Operator, column })
        i += 2
      } else if (ONE_CHAR_OPS.includes(c)) {
        tokens.push({ type: 'op', text: c as Operator, column })
        i++
      } else {
        throw unexpectedCharacter(c, column)
      }
    }
  }
  tokens.push({ type: 'end', text: '', column: chars.length + 1 })
  return tokens
}

function unexpectedCharacter(c: string, column: number): ExpressionError {
  if (c === '=') return new ExpressionError('只有一个 "="', column, '比较请用 "=="')
  if (c === '&') return new ExpressionError('只有一个 "&"', column, '请用 "and"（或 "&&"）')
  if (c === '|') return new ExpressionError('只有一个 "|"', column, '请用 "or"（或 "||"）')
  const halfWidth = FULL_WIDTH[c]
  if (halfWidth) return new ExpressionError(`全角字符 "${c}"`, column, `改成半角的 "${halfWidth}"（把输入法切换到英文）`)
  if (/[^\x00-\x7f]/.test(c)) {
    return new ExpressionError(`这里不应出现 "${c}"`, column, "标签名等文字要加引号，如 has_tag('新成员')；指标名是英文的（见 rules/README.md）")
  }
  return new ExpressionError(`这里不应出现 "${c}"`, column, '删掉它；可用的运算符见 rules/README.md')
}

function isDigit(c: string): boolean {
  return c >= '0' && c <= '9'
}
function isNameStart(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_'
}
function isNameChar(c: string): boolean {
  return isNameStart(c) || isDigit(c)
}
