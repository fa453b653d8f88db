/**
 * Writes items in batches: one write runs at a time, and everything that arrived while it ran goes into the next
 * one. Nothing waits for a timer: a lone item is written at once, and only a burst is batched, as deep as the
 * writes are slow. Each caller's promise settles with its own item's result once the batch holding it is written.
 * Used for the inbound message inserts: in a burst each commit was most of what storing a message cost.
 *
 * `writeBatch` gets the items in arrival order and returns one result per item, in the same order. When it throws,
 * every item of that batch is written again on its own (`writeOne`), so one bad item fails only its own caller.
 *
 * @example
 * const store = groupCommit({ writeBatch: (rows) => insertMessagesOnce(db, rows), writeOne: (row) => insertMessageOnce(db, row) })
 * const inserted = await store(row)
 */
export function groupCommit<T, R>(deps: { writeBatch: (items: readonly T[]) => Promise<readonly R[]>; writeOne: (item: T) => Promise<R>; maxBatch?: number }): (item: T) => Promise<R> {
  const maxBatch = deps.maxBatch ?? 500
  let queued: Array<{ item: T; resolve: (r: R) => void; reject: (e: unknown) => void }> = []
  let writing = false

  const writeQueued = async (): Promise<void> => {
    writing = true
    try {
      while (queued.length > 0) {
        const batch = queued.slice(0, maxBatch)
        queued = queued.slice(batch.length)
        try {
          const results = batch.length === 1 ? [await deps.writeOne(batch[0]!.item)] : await deps.writeBatch(batch.map((b) => b.item))
          batch.forEach((b, i) => b.resolve(results[i]!))
        } catch (error) {
          if (batch.length === 1) batch[0]!.reject(error)
          else for (const b of batch) await deps.writeOne(b.item).then(b.resolve, b.reject)
        }
      }
    } finally {
      writing = false
    }
  }

  return (item) => new Promise<R>((resolve, reject) => {
    queued.push({ item, resolve, reject })
    if (!writing) void writeQueued()
  })
}
