import { describe, expect, it } from 'vitest'
import { servesGroup } from '../../../src/settings/served-groups.js'

const VIP = { id: 'r1@chatroom', name: 'VIP客户群' }
const CHAT = { id: 'r2@chatroom', name: '闲聊群' }

describe('servesGroup', () => {
  it('serves every group when nothing is listed', () => {
    expect(servesGroup({}, 'a', CHAT)).toBe(true)
  })

  it('serves only the listed groups, matched by id or by name', () => {
    expect(servesGroup({ '*': ['VIP客户群'] }, 'a', VIP)).toBe(true)
    expect(servesGroup({ '*': ['r2@chatroom'] }, 'a', CHAT)).toBe(true)
    expect(servesGroup({ '*': ['VIP客户群'] }, 'a', CHAT)).toBe(false)
    expect(servesGroup({ '*': [] }, 'a', VIP)).toBe(false)
  })

  it('lets an instance\'s own list replace the one for every instance', () => {
    const served = { '*': ['VIP客户群'], b: ['闲聊群'] }
    expect(servesGroup(served, 'a', VIP)).toBe(true)
    expect(servesGroup(served, 'b', VIP)).toBe(false)
    expect(servesGroup(served, 'b', CHAT)).toBe(true)
  })

  it('never takes an instance id such as "__proto__" from the object prototype', () => {
    expect(servesGroup({ '*': ['VIP客户群'] }, '__proto__', VIP)).toBe(true)
    expect(servesGroup({ '*': ['VIP客户群'] }, 'constructor', CHAT)).toBe(false)
  })
})
