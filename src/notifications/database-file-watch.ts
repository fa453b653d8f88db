import type { Logger } from '../core/logger.js'
import type { DatabaseCheck } from '../storage/database-check.js'

export interface DatabaseFileWatch {
  /** Checks now (one `stat`): /api/health calls it on every request. */
  check(): DatabaseCheck
  /** Told once when the file goes missing or is replaced (the agents' group robot); returns the unsubscribe. */
  onLost(listener: (problem: string) => void): () => void
  stop(): void
}

/**
 * Checks every `intervalMs` (and whenever health asks) that the SQLite file QunDesk has open is still at its path.
 * The loss is logged at error level once, not once per check, and told to the `onLost` listeners once; if the
 * same file comes back (moved back into place), that is logged too. Nothing is re-created: an admin may have
 * erased the data on purpose, and a fresh file would hide the loss.
 *
 * @example
 * const watch = watchDatabaseFile({ check: createDatabaseFileCheck(file), file, intervalMs: 15_000, logger })
 * watch.onLost((problem) => robot.sendText(`【数据库告警】${problem}`))
 */
export function watchDatabaseFile(deps: { check: () => DatabaseCheck; file: string; intervalMs: number; logger: Logger }): DatabaseFileWatch {
  const log = deps.logger.child({ component: 'database-file-watch' })
  const listeners = new Set<(problem: string) => void>()
  let lost = false
  const check = (): DatabaseCheck => {
    const result = deps.check()
    if (!result.ok && !lost) {
      lost = true
      log.error({ file: deps.file, problem: result.problems[0] }, 'the database file was deleted or replaced while QunDesk runs: writes go to the deleted file and are lost at stop')
      for (const listener of listeners) listener(result.problems[0] ?? '')
    } else if (result.ok && lost) {
      lost = false
      log.warn({ file: deps.file }, 'the database file QunDesk has open is back at its path')
    }
    return result
  }
  const timer = setInterval(check, deps.intervalMs)
  timer.unref()
  return {
    check,
    onLost(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    stop: () => clearInterval(timer),
  }
}
