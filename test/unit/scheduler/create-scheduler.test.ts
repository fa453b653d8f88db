import { Writable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { createLogger } from '../../../src/core/logger.js'
import { createScheduler, timezoneForOffset } from '../../../src/scheduler/create-scheduler.js'

function capture() {
  const lines: Array<Record<string, unknown>> = []
  const destination = new Writable({ write(chunk, _enc, done) { lines.push(JSON.parse(String(chunk))); done() } })
  return { lines, logger: createLogger({ level: 'info', destination }) }
}

describe('createScheduler', () => {
  it('refuses an invalid cron expression, naming the job', () => {
    expect(() => createScheduler([{ name: 'nightly', schedule: 'every night', run: async () => {} }], capture().logger)).toThrow('job nightly: "every night" is not a valid cron expression')
  })

  it('runs jobs on their schedule, logs a failing run instead of crashing, and stops', async () => {
    const { lines, logger } = capture()
    let runs = 0
    const scheduler = createScheduler([
      { name: 'tick', schedule: '* * * * * *', run: async () => { runs += 1 } },
      { name: 'broken', schedule: '* * * * * *', run: async () => { throw new Error('boom') } },
    ], logger)
    const deadline = Date.now() + 5000
    while ((runs === 0 || !lines.some((l) => l.job === 'broken')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50))
    await scheduler.stop()
    expect(runs).toBeGreaterThan(0)
    expect(lines.find((l) => l.job === 'broken')).toMatchObject({ msg: 'scheduled job failed', err: { message: 'boom' } })
    const after = runs
    await new Promise((r) => setTimeout(r, 1200))
    expect(runs).toBe(after)
  })
})

describe('timezoneForOffset', () => {
  it.each([
    { minutes: 480, zone: 'Etc/GMT-8' },
    { minutes: 0, zone: 'Etc/UTC' },
    { minutes: -300, zone: 'Etc/GMT+5' },
    { minutes: 330, zone: undefined },
  ])('maps UTC$minutes min to $zone', ({ minutes, zone }) => {
    expect(timezoneForOffset(minutes)).toBe(zone)
  })
})
