import net from 'node:net'
import { describe, expect, it } from 'vitest'
import { isConnectionLost, probeEndpoint, reconnectDelayMs } from '../../../../src/channels/wechaty/connection-state.js'

describe('connection state', () => {
  it('treats cut streams, refused connections and start timeouts as a lost connection, and nothing else', () => {
    expect(isConnectionLost(new Error('1 CANCELLED: Call cancelled'))).toBe(true)
    expect(isConnectionLost(new Error('14 UNAVAILABLE: No connection established. Last error: Error: connect ECONNREFUSED 127.0.0.1:8788'))).toBe(true)
    expect(isConnectionLost(new Error('Timeout after 5000 ms'))).toBe(true)
    expect(isConnectionLost(new Error('no payload found for id 123@chatroom'))).toBe(false)
    expect(isConnectionLost('5 NOT_FOUND: contact not found')).toBe(false)
  })

  it('backs reconnects off from 1 s to at most 60 s, with jitter', () => {
    expect([0, 1, 2, 3].map((n) => reconnectDelayMs(n, () => 0.5))).toEqual([1000, 2000, 4000, 8000])
    expect(reconnectDelayMs(20, () => 0.5)).toBe(60_000)
    expect(reconnectDelayMs(0, () => 0)).toBe(800)
    expect(reconnectDelayMs(0, () => 1)).toBe(1200)
  })

  it('probes an endpoint: true while something listens, false once it is gone', async () => {
    const server = net.createServer((socket) => socket.destroy())
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const { port } = server.address() as net.AddressInfo
    const probe = probeEndpoint(`127.0.0.1:${port}`)
    expect(await probe()).toBe(true)
    await new Promise<void>((resolve) => server.close(() => resolve()))
    expect(await probe()).toBe(false)
  })
})
