/**
 * Maps `items` with `fn`, at most `concurrency` at a time, yielding each result as it is ready (completion order).
 * A result waiting to be taken still counts against the limit, so a slow consumer holds back the fetching: no more
 * than `concurrency` results are ever in memory. A rejection ends the iteration with that error once the tasks
 * already started have settled; stopping early (break) lets them settle without starting more.
 *
 * @example
 * for await (const roster of mapBounded(roomIds, 4, (id) => fetchRoster(id))) await store(roster)
 */
export async function* mapBounded<T, R>(items: Iterable<T>, concurrency: number, fn: (item: T) => Promise<R>): AsyncGenerator<R> {
  const source = items[Symbol.iterator]()
  type Running = Promise<{ task: Running; result: PromiseSettledResult<R> }>
  const running = new Set<Running>()
  let exhausted = false
  const startNext = () => {
    while (!exhausted && running.size < Math.max(1, concurrency)) {
      const next = source.next()
      if (next.done) {
        exhausted = true
        return
      }
      const item = next.value
      const task: Running = Promise.resolve().then(() => fn(item)).then(
        (value) => ({ task, result: { status: 'fulfilled', value } }),
        (reason: unknown) => ({ task, result: { status: 'rejected', reason } }),
      )
      running.add(task)
    }
  }
  try {
    startNext()
    while (running.size > 0) {
      const { task, result } = await Promise.race(running)
      running.delete(task)
      if (result.status === 'rejected') throw result.reason
      yield result.value
      startNext()
    }
  } finally {
    exhausted = true
    await Promise.allSettled(running)
  }
}
