import { describe, expect, it } from 'vitest'
import { actorOf, allows, type Identity } from '../../../src/console/identity.js'

const agent: Identity = { kind: 'session', name: '小王', role: 'agent', csrfToken: 'c', token: 't' }
const admin: Identity = { kind: 'session', name: '老板', role: 'admin', csrfToken: 'c', token: 't' }
const token: Identity = { kind: 'token', name: 'api', role: 'agent' }

describe('access levels', () => {
  it.each([
    [undefined, 'public', true], [undefined, 'agent', false], [undefined, 'admin', false],
    [agent, 'agent', true], [agent, 'admin', false], [admin, 'agent', true], [admin, 'admin', true],
    [token, 'agent', true], [token, 'admin', false],
  ] as const)('%j on %s -> %s', (identity, access, expected) => {
    expect(allows(identity, access)).toBe(expected)
  })

  it('records users by name and integrations as api or api:<on behalf of>', () => {
    expect(actorOf(agent)).toBe('小王')
    expect(actorOf(agent, '冒充')).toBe('小王')
    expect(actorOf(token)).toBe('api')
    expect(actorOf(token, 'crm')).toBe('api:crm')
  })
})
