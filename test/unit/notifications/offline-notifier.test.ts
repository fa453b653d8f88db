import { EventEmitter } from 'node:events'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { ConnectionStatus } from '../../../src/core/vocabulary.js'
import { createLogger } from '../../../src/core/logger.js'
import { watchOffline } from '../../../src/notifications/offline-notifier.js'

function fakeChannel() {
  const events = new EventEmitter()
  let status: ConnectionStatus = { state: 'online', since: '2026-11-23T08:00:00.000Z', lastError: null, reconnectAttempts: 0 }
  return {
    status: () => status,
    onStatus: (listener: (s: ConnectionStatus) => void) => { events.on('s', listener); return () => events.off('s', listener) },
    set(state: ConnectionStatus['state'], lastError: string | null = null) {
      status = { ...status, state, lastError }
      events.emit('s', status)
    },
  }
}

beforeEach(() => { vi.useFakeTimers() })
afterEach(() => { vi.useRealTimers() })

describe('offline notice to the agents', () => {
  it('tells the agents once when the account stays offline past the threshold, and again when it is back', async () => {
    const channel = fakeChannel()
    const sent: string[] = []
    const stop = watchOffline({ channel, minutes: 5, logger: createLogger({ level: 'silent' }), queued: async () => 7, send: async (t) => { sent.push(t) } })
    channel.set('offline', '14 UNAVAILABLE: No connection established')
    await vi.advanceTimersByTimeAsync(4 * 60_000)
    expect(sent).toEqual([])
    channel.set('offline', 'Timeout after 5000 ms') // further errors during the same outage
    await vi.advanceTimersByTimeAsync(60_000)
    expect(sent).toHaveLength(1)
    expect(sent[0]).toContain('【机器人离线】')
    expect(sent[0]).toContain('超过 5 分钟')
    expect(sent[0]).toContain('7 条回复排队')
    await vi.advanceTimersByTimeAsync(30 * 60_000)
    expect(sent).toHaveLength(1)
    channel.set('online')
    expect(sent[1]).toContain('【机器人已恢复】')
    stop()
  })

  it('says nothing about a short drop that recovers before the threshold', async () => {
    const channel = fakeChannel()
    const sent: string[] = []
    watchOffline({ channel, minutes: 5, logger: createLogger({ level: 'silent' }), queued: async () => 0, send: async (t) => { sent.push(t) } })
    channel.set('offline', '1 CANCELLED')
    await vi.advanceTimersByTimeAsync(2 * 60_000)
    channel.set('online')
    await vi.advanceTimersByTimeAsync(10 * 60_000)
    expect(sent).toEqual([])
  })

  it('is off with a threshold of 0 minutes', async () => {
    const channel = fakeChannel()
    const sent: string[] = []
    watchOffline({ channel, minutes: 0, logger: createLogger({ level: 'silent' }), queued: async () => 0, send: async (t) => { sent.push(t) } })
    channel.set('offline')
    await vi.advanceTimersByTimeAsync(60 * 60_000)
    expect(sent).toEqual([])
  })
})
