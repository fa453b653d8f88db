import v8 from 'node:v8'
import vm from 'node:vm'
import type { Logger } from '../core/logger.js'
import { decideHeapCompaction } from '../core/decide-heap-compaction.js'

const MB = 1024 * 1024

/**
 * V8's full GC as a function. `gc` exists only under --expose-gc, which can be set at run time: contexts made after
 * that get it (the main one does not). Undefined if the flag cannot be set.
 */
function exposedGc(): (() => void) | undefined {
  try {
    v8.setFlagsFromString('--expose-gc')
    const gc: unknown = vm.runInNewContext('gc')
    return typeof gc === 'function' ? (gc as () => void) : undefined
  } catch {
    return undefined
  }
}

/**
 * Every `intervalMs`, gives V8's uncollected heap back once the process has been idle for two checks in a row
 * (decideHeapCompaction says when). Returns a stop function. `heap` and `gc` are for tests.
 *
 * @example
 * stack.defer(startHeapCompaction({ busy: () => backlog() > 0, logger }))
 */
export function startHeapCompaction(deps: {
  busy: () => boolean; logger: Logger; intervalMs?: number
  heap?: () => { committedMb: number; usedMb: number }; gc?: () => void; now?: () => number
}): () => void {
  const gc = deps.gc ?? exposedGc()
  if (!gc) return () => {}
  const heap = deps.heap ?? (() => { const h = v8.getHeapStatistics(); return { committedMb: h.total_heap_size / MB, usedMb: h.used_heap_size / MB } })
  const now = deps.now ?? Date.now
  let last = -Infinity
  let wasIdle = false
  const timer = setInterval(() => {
    const idle = !deps.busy()
    const figures = heap()
    if (decideHeapCompaction({ ...figures, idle: idle && wasIdle, sinceLastMs: now() - last })) {
      const started = now()
      gc()
      last = now()
      const after = heap()
      deps.logger.debug({ before: figures, after, ms: last - started }, 'gave uncollected heap back after a busy spell')
    }
    wasIdle = idle
  }, deps.intervalMs ?? 5_000)
  timer.unref()
  return () => clearInterval(timer)
}
