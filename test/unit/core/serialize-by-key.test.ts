import { describe, expect, it } from 'vitest'
import { serializeByKey } from '../../../src/core/serialize-by-key.js'

const tick = () => new Promise<void>((resolve) => setImmediate(resolve))

describe('serializeByKey', () => {
  it('runs the tasks of one key one after another, in the order given', async () => {
    const serial = serializeByKey()
    const log: string[] = []
    const task = (name: string) => async () => { log.push(`${name} start`); await tick(); await tick(); log.push(`${name} end`); return name }
    const results = await Promise.all([serial('a', task('1')), serial('a', task('2')), serial('a', task('3'))])
    expect(results).toEqual(['1', '2', '3'])
    expect(log).toEqual(['1 start', '1 end', '2 start', '2 end', '3 start', '3 end'])
  })

  it('runs tasks of different keys alongside each other', async () => {
    const serial = serializeByKey()
    const log: string[] = []
    let release!: () => void
    const blocked = serial('a', () => new Promise<void>((resolve) => { release = resolve }))
    await serial('b', async () => { log.push('b ran while a waits') })
    expect(log).toEqual(['b ran while a waits'])
    release()
    await blocked
  })

  it('gives each caller its own outcome, and a failure does not stop the next task of the key', async () => {
    const serial = serializeByKey()
    const failed = serial('a', async () => { throw new Error('boom') })
    const next = serial('a', async () => 'ran')
    await expect(failed).rejects.toThrow('boom')
    await expect(next).resolves.toBe('ran')
  })
})
