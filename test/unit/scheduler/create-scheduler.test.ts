import { Writable } from 'node:stream'
import { describe, expect, it, vi } from 'vitest'
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

describe('createScheduler on a busy process', () => {
  it('still runs a tick that found the event loop blocked for seconds, and writes nothing to the console itself', async () => {
    const { lines, logger } = capture()
    const console = [vi.spyOn(globalThis.console, 'warn'), vi.spyOn(globalThis.console, 'info'), vi.spyOn(globalThis.console, 'error')]
    const runs: number[] = []
    // Every 5 s: a tick 3 s late is not yet the next one. node-cron's own default (1 s) skipped it with a console warning.
    const scheduler = createScheduler([{ name: 'every-5s', schedule: '*/5 * * * * *', run: async () => { runs.push(Date.now()) } }], logger)
    try {
      // Just before a 5-second boundary, block the event loop across it for 3.5 s, as a burst or a long GC would
      // (node-cron measures lateness in whole seconds: this tick is found 2-3 s late).
      while (Date.now() % 5000 < 4300 || Date.now() % 5000 > 4600) await new Promise((r) => setTimeout(r, 20))
      const slot = Math.ceil(Date.now() / 5000) * 5000
      const blockedUntil = Date.now() + 3500
      while (Date.now() < blockedUntil) { /* busy */ }
      const deadline = slot + 4500
      while (!runs.some((at) => at >= slot) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20))
      expect(runs.filter((at) => at >= slot && at < slot + 4500)).toHaveLength(1)
      expect(console.flatMap((spy) => spy.mock.calls).filter((call) => String(call[0]).includes('NODE-CRON'))).toEqual([])
      expect(lines.filter((l) => String(l.msg).includes('missed'))).toEqual([])
    } finally {
      await scheduler.stop()
      for (const spy of console) spy.mockRestore()
    }
  }, 15_000)
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
