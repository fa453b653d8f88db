import { constants, PerformanceObserver } from 'node:perf_hooks'
import { Writable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { startHeapCompaction } from '../../../src/app/heap-compaction.js'
import { createLogger } from '../../../src/core/logger.js'

const quiet = createLogger({ level: 'silent', destination: new Writable({ write(_c, _e, done) { done() } }) })
const until = async (done: () => boolean, ms = 5000) => {
  const deadline = Date.now() + ms
  while (!done() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5))
}

describe('startHeapCompaction', () => {
  it('collects once the process has been idle for two checks, then not again within the cooldown', async () => {
    let busy = true
    let committedMb = 400
    const collected: number[] = []
    const stop = startHeapCompaction({
      busy: () => busy, logger: quiet, intervalMs: 10,
      heap: () => ({ committedMb, usedMb: 100 }),
      gc: () => { collected.push(Date.now()); committedMb = 400 },
    })
    try {
      await new Promise((r) => setTimeout(r, 100))
      expect(collected).toEqual([]) // busy: a full GC would pause message handling
      busy = false
      await until(() => collected.length > 0)
      expect(collected).toHaveLength(1)
      await new Promise((r) => setTimeout(r, 100))
      expect(collected).toHaveLength(1) // the heap is still large, but the cooldown holds
    } finally {
      stop()
    }
  })

  it('runs a real full GC, forced, when nothing is injected', async () => {
    // Node marks a GC that gc() asked for as forced: V8 never forces one on its own.
    const forced: number[] = []
    const observer = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        const flags = (entry as PerformanceEntry & { detail?: { flags?: number } }).detail?.flags ?? 0
        if (flags & constants.NODE_PERFORMANCE_GC_FLAGS_FORCED) forced.push(entry.startTime)
      }
    })
    observer.observe({ entryTypes: ['gc'] })
    const stop = startHeapCompaction({ busy: () => false, logger: quiet, intervalMs: 10, heap: () => ({ committedMb: 10_000, usedMb: 1 }) })
    try {
      await until(() => forced.length > 0)
      expect(forced.length).toBeGreaterThan(0)
    } finally {
      stop()
      observer.disconnect()
    }
  })
})
