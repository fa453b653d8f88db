/**
 * Whether to ask V8 for a full GC now. After a burst V8's old space stays committed at the size the burst needed:
 * at 1,000 groups, 336 MB committed for 102 MB live, and no full GC comes while the process is quiet, because V8's
 * memory reducer is only armed by one (bench/scale-account, SCALE_ACCOUNT_PROFILE=gc). One full GC once the process
 * is idle gives ~200 MB back. Only when idle (a full GC pauses the process), only when the committed heap is well
 * over twice what is live (V8's own headroom after a GC is up to 2x, so less is not slack), and not more than once
 * per cooldown, so a process that keeps a large heap is not collected over and over.
 *
 * @example
 * decideHeapCompaction({ committedMb: 382, usedMb: 118, idle: true, sinceLastMs: Infinity }) // true
 */
export function decideHeapCompaction(s: { committedMb: number; usedMb: number; idle: boolean; sinceLastMs: number }, policy: HeapCompactionPolicy = HEAP_COMPACTION): boolean {
  if (!s.idle || s.sinceLastMs < policy.cooldownMs) return false
  return s.committedMb - 2 * s.usedMb >= policy.minSlackMb
}

export interface HeapCompactionPolicy {
  /** Committed heap beyond twice the live heap, in MB, worth a full GC. */
  minSlackMb: number
  /** At most one compaction per this many ms. */
  cooldownMs: number
}

export const HEAP_COMPACTION: Readonly<HeapCompactionPolicy> = { minSlackMb: 64, cooldownMs: 60_000 }
