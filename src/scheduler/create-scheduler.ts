import cron from 'node-cron'
import type { Logger } from '../core/logger.js'

export interface Job {
  name: string
  /** A cron expression (node-cron: 5 or 6 fields). */
  schedule: string
  run: () => Promise<unknown>
}

export interface Scheduler {
  stop(): Promise<void>
}

/**
 * Wires jobs to node-cron and nothing else: jobs are plain async functions (tests call them directly). A run
 * never overlaps the previous one, and a failure is logged, not thrown into the timer.
 *
 * @example
 * const scheduler = createScheduler([{ name: 'sla-escalation', schedule: '* * * * *', run: checkSla }], logger)
 * await scheduler.stop()
 */
export function createScheduler(jobs: readonly Job[], logger: Logger, options: { utcOffsetMinutes?: number } = {}): Scheduler {
  const timezone = options.utcOffsetMinutes === undefined ? undefined : timezoneForOffset(options.utcOffsetMinutes)
  const tasks = jobs.map((job) => {
    if (!cron.validate(job.schedule)) throw new Error(`job ${job.name}: "${job.schedule}" is not a valid cron expression`)
    const log = logger.child({ job: job.name })
    return cron.schedule(job.schedule, async () => {
      try {
        await job.run()
      } catch (error) {
        log.error({ err: error }, 'scheduled job failed')
      }
    }, { name: job.name, noOverlap: true, ...(timezone ? { timezone } : {}) })
  })
  return {
    async stop() {
      for (const task of tasks) await task.destroy()
    },
  }
}

/**
 * The IANA zone for a whole-hour UTC offset, so "0 3 * * *" means 03:00 where the team works (UTC+8 by default),
 * not on the server's clock. POSIX Etc zones count the other way: UTC+8 is Etc/GMT-8. Undefined for half hours.
 *
 * @example
 * timezoneForOffset(480) // 'Etc/GMT-8'
 */
export function timezoneForOffset(minutes: number): string | undefined {
  if (minutes % 60 !== 0 || Math.abs(minutes) > 14 * 60) return undefined
  const hours = minutes / 60
  return hours === 0 ? 'Etc/UTC' : `Etc/GMT${hours > 0 ? '-' : '+'}${Math.abs(hours)}`
}
