/**
 * Runs at most `concurrency` tasks at once; the rest wait in arrival order. Bursts of messages otherwise pile up
 * on the database connection's mutex, whose waiters all wake on every release.
 *
 * @example
 * const limit = limitConcurrency(4)
 * await limit(() => handle(message))
 */
export function limitConcurrency(concurrency: number): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0
  const waiting: Array<() => void> = []
  const release = () => {
    running -= 1
    waiting.shift()?.()
  }
  return async (task) => {
    if (running >= concurrency) await new Promise<void>((resolve) => waiting.push(resolve))
    running += 1
    try {
      return await task()
    } finally {
      release()
    }
  }
}
