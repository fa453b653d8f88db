import { describe, expect, it } from 'vitest'
import { safeNextPath } from '../../../src/console/pages/login.ids.js'

const ORIGIN = 'http://qundesk.local:3000'

describe('safeNextPath (where login goes next)', () => {
  it.each([
    ['/', '/'],
    ['/reports', '/reports'],
    ['/members/42?tab=tags#history', '/members/42?tab=tags#history'],
    ['/a/../reports', '/reports'],
  ])('keeps the same-origin path %j', (next, expected) => {
    expect(safeNextPath(next, ORIGIN)).toBe(expected)
  })

  it.each([
    '/\t/evil.example/phish',
    '/\n/evil.example/phish',
    '/\r\n/evil.example/phish',
    '\t//evil.example',
    '//evil.example',
    '///evil.example',
    '/\\evil.example',
    '\\/evil.example',
    '/\\/evil.example',
    '/.//evil.example',
    'https://evil.example/',
    'https:evil.example',
    'http:/evil.example',
    'javascript:alert(1)',
    'data:text/html,x',
    'reports',
    '',
    undefined,
    ['/a', '/b'],
  ])('sends %j to / instead', (next) => {
    expect(safeNextPath(next, ORIGIN)).toBe('/')
  })
})
