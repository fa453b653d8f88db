import { describe, expect, it } from 'vitest'
import { formatProblem } from '../../../src/core/file-problem.js'

describe('formatProblem', () => {
  it.each([
    [{ file: 'knowledge/shipping.yaml', line: 14, message: 'intents[3].answer is empty', hint: 'add an answer' }, 'knowledge/shipping.yaml:14: intents[3].answer is empty — add an answer'],
    [{ file: 'knowledge', line: 0, message: 'knowledge folder not found', hint: 'create it' }, 'knowledge: knowledge folder not found — create it'],
    [{ file: 'k/a.yaml', line: 2, message: 'odd', hint: '' }, 'k/a.yaml:2: odd'],
  ])('formats %j', (problem, expected) => {
    expect(formatProblem(problem)).toBe(expected)
  })
})
