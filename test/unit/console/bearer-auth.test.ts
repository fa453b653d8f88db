import { describe, expect, it } from 'vitest'
import { isAuthorizedBearer, isBearerScheme } from '../../../src/console/bearer-auth.js'

describe('isAuthorizedBearer', () => {
  const token = 'a-long-random-token-123'
  it.each([
    [`Bearer ${token}`, token, true],
    [`bearer ${token}`, token, true],
    [`Bearer ${token}x`, token, false],
    [`Bearer ${token.slice(1)}`, token, false],
    [`Basic ${token}`, token, false],
    [token, token, false],
    ['Bearer ', token, false],
    [undefined, token, false],
    [`Bearer ${token}`, undefined, false],
  ])('%j against the configured token -> %s', (header, configured, expected) => {
    expect(isAuthorizedBearer(header, configured)).toBe(expected)
  })
})

describe('isBearerScheme', () => {
  it.each([['Bearer abc', true], ['bearer abc', true], ['Bearer', true], ['Basic dXNlcjpwYXNz', false], ['Digest x', false], ['BearerX abc', false], ['', false]])('%j → %s', (header, expected) => {
    expect(isBearerScheme(header)).toBe(expected)
  })
})
