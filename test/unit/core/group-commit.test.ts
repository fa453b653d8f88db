import { describe, expect, it } from 'vitest'
import { groupCommit } from '../../../src/core/group-commit.js'

/** A writer whose batches are recorded, each write taking a few ms (as a commit does). */
function recording(fail: (item: number) => boolean = () => false) {
  const batches: number[][] = []
  const ones: number[] = []
  const write = groupCommit<number, string>({
    writeBatch: async (items) => {
      batches.push([...items])
      await new Promise((r) => setTimeout(r, 5))
      if (items.some(fail)) throw new Error('batch failed')
      return items.map((i) => `ok ${i}`)
    },
    writeOne: async (item) => {
      ones.push(item)
      await new Promise((r) => setTimeout(r, 5))
      if (fail(item)) throw new Error(`item ${item} failed`)
      return `ok ${item}`
    },
    maxBatch: 3,
  })
  return { write, batches, ones }
}

describe('groupCommit', () => {
  it('writes a lone item at once, on its own', async () => {
    const w = recording()
    expect(await w.write(1)).toBe('ok 1')
    expect(w.ones).toEqual([1])
    expect(w.batches).toEqual([])
  })

  it('writes the items that arrive while a write runs together in the next batch, each caller getting its own result', async () => {
    const w = recording()
    const first = w.write(1)
    const rest = [2, 3, 4, 5].map((i) => w.write(i))
    expect(await Promise.all([first, ...rest])).toEqual(['ok 1', 'ok 2', 'ok 3', 'ok 4', 'ok 5'])
    // 1 alone (nothing was waiting), then at most maxBatch (3) per batch, in arrival order.
    expect(w.ones).toEqual([1, 5])
    expect(w.batches).toEqual([[2, 3, 4]])
  })

  it('writes the items of a failed batch again one by one: only the bad item\'s caller gets the error', async () => {
    const w = recording((i) => i === 3)
    const first = w.write(1)
    const results = await Promise.allSettled([first, w.write(2), w.write(3), w.write(4)])
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled'])
    expect((results[2] as PromiseRejectedResult).reason.message).toBe('item 3 failed')
    expect(w.ones).toEqual([1, 2, 3, 4])
  })

  it('keeps writing after a failure', async () => {
    const w = recording((i) => i === 1)
    await expect(w.write(1)).rejects.toThrow('item 1 failed')
    expect(await w.write(2)).toBe('ok 2')
  })
})
