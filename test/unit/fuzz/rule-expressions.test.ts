import fc from 'fast-check'
import { describe, expect, it, vi } from 'vitest'
import { compileExpression } from '../../../src/tagging/expression/compile-expression.js'
import { compilePredicate } from '../../../src/tagging/expression/compile-predicate.js'
import { evaluate } from '../../../src/tagging/expression/evaluate-expression.js'
import { ExpressionError } from '../../../src/tagging/expression/expression-error.js'
import { parseExpression } from '../../../src/tagging/expression/parse-expression.js'
import type { MemberFacts } from '../../../src/tagging/member-facts.js'
import { expressionSoup, fuzzParams, memberFacts, shapeOf, typedExpression, FUZZ_TEST_TIMEOUT } from '../../support/fuzz-generators.js'

vi.setConfig({ testTimeout: FUZZ_TEST_TIMEOUT })

/**
 * The rule expression language is admin input that runs for every member. Properties: compiling anything either
 * succeeds or gives an ExpressionError whose column lies inside the text (never another kind of throw); a
 * well-typed expression compiles to exactly the tree it was printed from; evaluating a compiled rule on any facts
 * gives true or false, never throws, and the fast predicate agrees with evaluate().
 */

/** Columns count characters (code points); "too long" points just past the limit, which is inside a long text. */
function errorViolation(text: string, error: unknown): string | undefined {
  if (!(error instanceof ExpressionError)) return `threw ${String(error)} instead of an ExpressionError`
  const length = Array.from(text).length
  if (!Number.isInteger(error.column) || error.column < 1 || error.column > length + 1) return `column ${error.column} outside 1..${length + 1}`
  if (error.problem === '' || error.hint === '') return 'no problem text or hint'
  if (error.message !== `${error.problem}（第 ${error.column} 列）`) return `message does not end with the column: ${error.message}`
  return undefined
}

/** Compiles through both entry points: the loader's (returns the error) and the parser's (throws it). */
function check(text: string): ReturnType<typeof compileExpression> {
  let result: ReturnType<typeof compileExpression>
  try {
    result = compileExpression(text)
  } catch (error) {
    throw new Error(`compileExpression threw ${String(error)} for ${JSON.stringify(text)}`)
  }
  if (!result.ok) {
    const bad = errorViolation(text, result.error)
    if (bad) throw new Error(`${bad} for ${JSON.stringify(text)}`)
  }
  try {
    parseExpression(text)
  } catch (error) {
    const bad = errorViolation(text, error)
    if (bad) throw new Error(`parseExpression: ${bad} for ${JSON.stringify(text)}`)
  }
  return result
}

const facts = fc.array(memberFacts, { minLength: 1, maxLength: 4 })

/** evaluate() and the compiled predicate on each facts: a boolean, no throw, the same answer. */
function checkEvaluation(ast: Parameters<typeof evaluate>[0], members: MemberFacts[]): void {
  const predicate = compilePredicate(ast)
  for (const member of members) {
    const result = evaluate(ast, member)
    expect(typeof result.value).toBe('boolean')
    expect(predicate({ metrics: member.metrics, tags: new Set(member.tags ?? []), questionsByIntent: member.questionsByIntent ?? {} })).toBe(result.value)
  }
}

describe('rule expressions under fuzzing', () => {
  it('12,000 random token sequences: ok, or an ExpressionError with a column inside the text; accepted ones evaluate', () => {
    let accepted = 0
    fc.assert(fc.property(expressionSoup, facts, (text, members) => {
      const result = check(text)
      if (result.ok) {
        accepted++
        checkEvaluation(result.ast, members)
      }
    }), fuzzParams(0x65787001, 12_000))
    expect(accepted).toBeGreaterThan(50)
  })

  it('4,000 arbitrary strings (any UTF-16, up to 700 characters): never a throw of another kind', () => {
    fc.assert(fc.property(fc.oneof(fc.string({ maxLength: 700, unit: 'binary' }), fc.string({ maxLength: 60, unit: fc.constantFrom('(', ')', 'not ', '-', '!', '[', ']', ',', "'", '1', ' ') })), (text) => {
      check(text)
    }), fuzzParams(0x65787002, 4000))
  })

  it('5,000 well-typed expressions with random spelling and spacing parse back to the tree they were printed from', () => {
    fc.assert(fc.property(typedExpression, facts, ({ text, shape }, members) => {
      const result = check(text)
      if (Array.from(text).length > 500) {
        expect(result.ok).toBe(false)
        return
      }
      if (!result.ok) throw new Error(`refused a valid expression: ${result.error.message} (${result.error.hint}) in ${JSON.stringify(text)}`)
      expect(shapeOf(result.ast)).toEqual(shape)
      checkEvaluation(result.ast, members)
    }), fuzzParams(0x65787003, 5000))
  })

  it('nesting and length limits hold at their edges without overflowing the stack', () => {
    for (const open of ['(', 'not ', '!', '- ', '-(']) {
      const close = open.includes('(') ? ')' : ''
      const deep = `${open.repeat(200)}messages_30d${close.repeat(200)} > 0`
      const result = check(deep.length > 500 ? deep.slice(0, 500) : deep)
      expect(result.ok).toBe(false)
    }
    expect(check(`${'('.repeat(31)}messages_30d > 0${')'.repeat(31)}`).ok).toBe(true)
    expect(check(`messages_30d > 0${' or messages_30d > 0'.repeat(24)}`).ok).toBe(true)
    const tooLong = check(`messages_30d > 0${' '.repeat(600)}`)
    expect(!tooLong.ok && tooLong.error.column).toBe(501)
  })
})
