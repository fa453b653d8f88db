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
    throw new ExpressionError(`expression is too long (${chars.length} characters, limit ${MAX_EXPRESSION_LENGTH})`, MAX_EXPRESSION_LENGTH + 1, 'split it into two tags and combine them with has_tag(...)')
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
        if (!isDigit(chars[end] ?? '')) throw new ExpressionError(`number "${chars.slice(i, end).join('')}" has no digits after the dot`, column, 'write e.g. 0.5')
        while (end < chars.length && isDigit(chars[end] as string)) end++
      }
      const numberText = chars.slice(i, end).join('')
      const next = chars[end] ?? ''
      if (next === '%') throw new ExpressionError(`percent sign after ${numberText}`, end + 1, `write a fraction instead, e.g. ${Number(numberText) / 100} for ${numberText}%`)
      if (isNameChar(next)) throw new ExpressionError(`unexpected "${next}" after the number ${numberText}`, end + 1, 'put a space or an operator between a number and a name')
      const value = Number(numberText)
      if (!Number.isFinite(value) || numberText.length > 20) throw new ExpressionError(`number ${numberText.slice(0, 24)}${numberText.length > 24 ? '…' : ''} is too long`, column, 'use at most 20 digits')
      tokens.push({ type: 'number', value, text: numberText, column })
      i = end
    } else if (c === '.' && isDigit(chars[i + 1] ?? '')) {
      throw new ExpressionError('number starts with a dot', column, 'write a 0 before the dot, e.g. 0.5')
    } else if (c === "'" || c === '"') {
      let end = i + 1
      let value = ''
      while (end < chars.length && chars[end] !== c) {
        // Backslash escapes only the quote and the backslash: tag names never need more.
        if (chars[end] === '\\' && (chars[end + 1] === c || chars[end + 1] === '\\')) end++
        value += chars[end]
        end++
      }
      if (end >= chars.length) throw new ExpressionError(`text starting with ${c} is not closed`, column, `add the closing ${c}`)
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
  if (c === '=') return new ExpressionError('single "="', column, 'use "==" to compare')
  if (c === '&') return new ExpressionError('single "&"', column, 'use "and" (or "&&")')
  if (c === '|') return new ExpressionError('single "|"', column, 'use "or" (or "||")')
  const halfWidth = FULL_WIDTH[c]
  if (halfWidth) return new ExpressionError(`full-width "${c}"`, column, `type the half-width "${halfWidth}" instead (switch the input method to English)`)
  if (/[^\x00-\x7f]/.test(c)) {
    return new ExpressionError(`unexpected "${c}"`, column, "put tag names and other text in quotes, e.g. has_tag('新成员'); metric names are English (see rules/README.md)")
  }
  return new ExpressionError(`unexpected "${c}"`, column, 'remove it; see rules/README.md for the operators you can use')
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
