import { describe, expect, it } from 'vitest'
import { instanceState } from '../../../src/cli/instances-command.js'
import type { InstanceOverview } from '../../../src/storage/fleet.repository.js'

const NOW = Date.parse('2026-11-24T10:00:00.000Z')
const at = (secondsAgo: number) => new Date(NOW - secondsAgo * 1000).toISOString()
const instance = (over: Partial<InstanceOverview>): InstanceOverview => ({
  instanceId: 'a', startedAt: at(3600), heartbeatAt: at(5), stoppedAt: null, groups: 0, queued: 0, unhandled: 0, locked: undefined, ...over,
})

describe('instanceState', () => {
  it('is running with a fresh heartbeat (and, on PostgreSQL, its lock held)', () => {
    expect(instanceState(instance({}), NOW)).toBe('running')
    expect(instanceState(instance({ locked: true }), NOW)).toBe('running')
  })

  it('is stopped after a clean stop', () => {
    expect(instanceState(instance({ stoppedAt: at(30), heartbeatAt: at(30) }), NOW)).toBe('stopped')
    expect(instanceState(instance({ stoppedAt: at(30), heartbeatAt: at(30), locked: false }), NOW)).toBe('stopped')
  })

  it('is silent without a heartbeat for a minute, or on PostgreSQL the moment nobody holds its lock', () => {
    expect(instanceState(instance({ heartbeatAt: at(61) }), NOW)).toBe('silent')
    expect(instanceState(instance({ heartbeatAt: at(2), locked: false }), NOW)).toBe('silent')
  })
})
