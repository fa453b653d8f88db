import type { Logger } from '../core/logger.js'

export type Stop = () => Promise<void> | void

export interface StopStack {
  /** Runs `stop` at shutdown, before everything deferred earlier (what starts later stops first). */
  defer(stop: Stop): void
  /** Runs every deferred stop, last deferred first; a failing one is logged and the rest still run. */
  stopAll(): Promise<void>
}

/**
 * The shutdown order of a start: each part defers its stop as it comes up, so the database (deferred first) is
 * closed after everything that uses it, and a start that fails half-way stops exactly what it started.
 *
 * @example
 * const stack = createStopStack(logger)
 * stack.defer(() => db.destroy())
 * stack.defer(() => http.close())
 * await stack.stopAll()   // http first, then the database
 */
export function createStopStack(logger: Logger): StopStack {
  const stops: Stop[] = []
  return {
    defer: (stop) => { stops.push(stop) },
    async stopAll() {
      while (stops.length > 0) {
        const stop = stops.pop()!
        try {
          await stop()
        } catch (error) {
          logger.warn({ err: error }, 'error while stopping')
        }
      }
    },
  }
}
