import { describe, expect, it } from 'vitest'
import { intentMatches } from '../../../src/knowledge/intent-pattern.js'

describe('intentMatches', () => {
  it.each([
    ['complaint.*', 'complaint.quality', true],
    ['complaint.*', 'complaint', false],
    ['complaint.*', 'complaints.x', false],
    ['service.human', 'service.human', true],
    ['service.human', 'service.hours', false],
  ])('%s ~ %s -> %s', (pattern, id, expected) => {
    expect(intentMatches(pattern, id)).toBe(expected)
  })
})
