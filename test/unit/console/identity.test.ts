import { describe, expect, it } from 'vitest'
import { actorOf, allows, awaitsPasswordChange, type Identity } from '../../../src/console/identity.js'

const agent: Identity = { kind: 'session', name: '小王', role: 'agent', csrfToken: 'c', token: 't', mustChangePassword: false }
const admin: Identity = { kind: 'session', name: '老板', role: 'admin', csrfToken: 'c', token: 't', mustChangePassword: false }
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

describe('a password change due', () => {
  const due: Identity = { ...agent, mustChangePassword: true } as Identity

  it('holds up a flagged session on every signed-in route but those declared beforePasswordChange', () => {
    expect(awaitsPasswordChange(due, { access: 'agent' })).toBe(true)
    expect(awaitsPasswordChange(due, { access: 'admin' })).toBe(true)
    expect(awaitsPasswordChange(due, { access: 'agent', beforePasswordChange: true })).toBe(false)
    expect(awaitsPasswordChange(due, { access: 'public' })).toBe(false)
  })

  it('never holds up an unflagged session, an API token or an anonymous caller', () => {
    for (const identity of [agent, admin, token, undefined]) expect(awaitsPasswordChange(identity, { access: 'agent' })).toBe(false)
  })
})
