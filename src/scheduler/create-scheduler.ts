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
export function createScheduler(jobs: readonly Job[], logger: Logger): Scheduler {
  const tasks = jobs.map((job) => {
    if (!cron.validate(job.schedule)) throw new Error(`job ${job.name}: "${job.schedule}" is not a valid cron expression`)
    const log = logger.child({ job: job.name })
    return cron.schedule(job.schedule, async () => {
      try {
        await job.run()
      } catch (error) {
        log.error({ err: error }, 'scheduled job failed')
      }
    }, { name: job.name, noOverlap: true })
  })
  return {
    async stop() {
      for (const task of tasks) await task.destroy()
    },
  }
}
