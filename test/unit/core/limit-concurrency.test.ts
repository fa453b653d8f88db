import { describe, expect, it } from 'vitest'
import { limitConcurrency } from '../../../src/core/limit-concurrency.js'

describe('limitConcurrency', () => {
  it('never runs more than the limit at once, and starts waiting tasks in arrival order', async () => {
    const limit = limitConcurrency(2)
    let running = 0
    let peak = 0
    const started: number[] = []
    const task = (i: number) => limit(async () => {
      started.push(i)
      running += 1
      peak = Math.max(peak, running)
      await new Promise((r) => setTimeout(r, 5))
      running -= 1
      return i
    })
    expect(await Promise.all([0, 1, 2, 3, 4].map(task))).toEqual([0, 1, 2, 3, 4])
    expect(peak).toBe(2)
    expect(started).toEqual([0, 1, 2, 3, 4])
  })

  it('releases the slot when a task fails', async () => {
    const limit = limitConcurrency(1)
    await expect(limit(async () => { throw new Error('boom') })).rejects.toThrow('boom')
    expect(await limit(async () => 'next')).toBe('next')
  })
})
