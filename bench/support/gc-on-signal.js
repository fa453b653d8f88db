// @ts-check
/**
 * Preloaded into the QunDesk child by `SCALE_ACCOUNT_PROFILE=gc node bench/scale-account.js` (with --expose-gc): on
 * SIGUSR2 it writes V8's heap figures, runs a full GC, waits a second and writes them again, as JSON lines to the
 * file in SCALE_ACCOUNT_GC_FILE. What the GC gives back is garbage V8 had not collected yet; what stays committed
 * beyond the used heap, and what RSS holds beyond V8's heap, are the rest.
 */
import fs from 'node:fs'
import v8 from 'node:v8'

const file = process.env.SCALE_ACCOUNT_GC_FILE
const MB = 1024 * 1024
const figures = (/** @type {string} */ when) => {
  const heap = v8.getHeapStatistics()
  const memory = process.memoryUsage()
  return {
    when,
    rss: memory.rss / MB,
    heapCommitted: heap.total_heap_size / MB,
    heapUsed: heap.used_heap_size / MB,
    external: memory.external / MB,
    arrayBuffers: memory.arrayBuffers / MB,
    malloced: heap.malloced_memory / MB,
    spaces: Object.fromEntries(v8.getHeapSpaceStatistics().map((s) => [s.space_name, { committed: s.space_size / MB, used: s.space_used_size / MB }])),
  }
}
if (file) {
  process.on('SIGUSR2', () => {
    fs.appendFileSync(file, `${JSON.stringify(figures('before'))}\n`)
    const gc = /** @type {(() => void) | undefined} */ (/** @type {any} */ (globalThis).gc)
    gc?.()
    setTimeout(() => { fs.appendFileSync(file, `${JSON.stringify(figures('after a full GC'))}\n`) }, 1000)
  })
}
