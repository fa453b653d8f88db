import { describe, expect, it } from 'vitest'
import { csrfOk } from '../../../src/console/csrf.js'

describe('csrfOk', () => {
  it.each([
    ['GET', undefined, true],
    ['HEAD', undefined, true],
    ['POST', 'tok-123', true],
    ['POST', undefined, false],
    ['POST', '', false],
    ['POST', 'tok-124', false],
    ['DELETE', 'tok-12', false],
    ['PATCH', ['tok-123', 'tok-123'], false],
  ])('%s with header %j -> %s', (method, sent, expected) => {
    expect(csrfOk(method, sent as string | string[] | undefined, 'tok-123')).toBe(expected)
  })
})
