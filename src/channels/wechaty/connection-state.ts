import net from 'node:net'


/**
 * gRPC errors that mean "the puppet service is gone" (1 CANCELLED when the stream is cut, 14 UNAVAILABLE when
 * nothing listens, a start that times out): only these trigger a reconnect. Other errors (a bad payload, a
 * failed lookup) leave the connection alone.
 */
export function isConnectionLost(error: unknown): boolean {
  const message = error instanceof Error ? error.message : String(error)
  return /^(1 CANCELLED|14 UNAVAILABLE)\b|ECONNREFUSED|ECONNRESET|Call cancelled|No connection established|Timeout after \d+ ms/.test(message)
}

/** 1 s, 2 s, 4 s … capped at 60 s, with ±20 % jitter so a fleet does not reconnect in step. */
export function reconnectDelayMs(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(60_000, 1000 * 2 ** Math.max(0, attempt))
  return Math.round(base * (0.8 + 0.4 * random()))
}

/**
 * Resolves true when a TCP connection to host:port opens within `timeoutMs`: a cheap "is the puppet service
 * back?" before asking the client to start again.
 */
export function probeEndpoint(endpoint: string, timeoutMs = 2000): () => Promise<boolean> {
  const match = /^\[?([^\]]+?)\]?:(\d+)$/.exec(endpoint)
  if (!match) return async () => true
  const [, host, port] = match
  return () => new Promise<boolean>((resolve) => {
    const socket = net.connect({ host: host!, port: Number(port) })
    const done = (ok: boolean) => { socket.destroy(); resolve(ok) }
    socket.setTimeout(timeoutMs, () => done(false))
    socket.once('connect', () => done(true))
    socket.once('error', () => done(false))
  })
}
