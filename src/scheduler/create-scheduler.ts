import cron, { type TaskOptions } from 'node-cron'
import type { Logger } from '../core/logger.js'
import { jobSlot, type JobClaims } from '../fleet/job-claims.js'

export interface Job {
  name: string
  /** A cron expression (node-cron: 5 or 6 fields). */
  schedule: string
  run: () => Promise<unknown>
  /** 'instance': every instance runs it (its own account's work, e.g. member sync). Default: once across the fleet. */
  scope?: 'fleet' | 'instance'
}

export interface Scheduler {
  stop(): Promise<void>
  /** Runs a job as its cron tick at `at` would: a fleet job only if this instance wins that tick. For tests and tools. */
  tick(name: string, at: Date): Promise<void>
  /** Runs again the runs of this scheduler's jobs that a dead instance left unfinished; how many. */
  takeOver(): Promise<number>
}

/**
 * How late a tick may still run. node-cron's default is 1 s: a tick that finds the event loop busy for longer (a burst,
 * a member sync, a full GC on a loaded machine) is skipped, and a nightly job then waits a whole day. A late run is
 * what a job wants; node-cron still never runs a tick later than the next one.
 */
export const LATE_RUN_TOLERANCE_MS = 5 * 60_000

/** node-cron's own messages go to our log (readable on a terminal, JSON otherwise), not straight to the console. */
function cronLogger(logger: Logger, job: string): NonNullable<TaskOptions['logger']> {
  const text = (message: string | Error) => (message instanceof Error ? message.message : message)
  return {
    info: (message) => logger.debug({ job }, `node-cron: ${message}`),
    warn: (message) => logger.warn({ job }, `node-cron: ${message}`),
    error: (message, err) => logger.error({ job, err: message instanceof Error ? message : err }, `node-cron: ${text(message)}`),
    debug: (message) => logger.debug({ job }, `node-cron: ${text(message)}`),
  }
}

/**
 * Wires jobs to node-cron and nothing else: jobs are plain async functions (tests call them directly). A run
 * never overlaps the previous one, and a failure is logged, not thrown into the timer.
 *
 * @example
 * const scheduler = createScheduler([{ name: 'sla-escalation', schedule: '* * * * *', run: checkSla }], logger)
 * await scheduler.stop()
 */
export function createScheduler(jobs: readonly Job[], logger: Logger, options: { utcOffsetMinutes?: number; claims?: JobClaims; now?: () => Date } = {}): Scheduler {
  const timezone = options.utcOffsetMinutes === undefined ? undefined : timezoneForOffset(options.utcOffsetMinutes)
  const { claims } = options
  const now = options.now ?? (() => new Date())
  const shared = jobs.filter((job) => job.scope !== 'instance')

  /** Runs a job for its slot: a fleet job only if this instance claims the slot (or took it over). */
  const runOnce = async (job: Job, slot: string | undefined, claimed: boolean) => {
    const log = logger.child({ job: job.name })
    if (claims && slot !== undefined && !claimed && !(await claims.claim(job.name, slot))) {
      log.debug({ slot }, 'another instance runs this one')
      return
    }
    let failure: string | null = null
    try {
      await job.run()
    } catch (error) {
      failure = (error as Error)?.message ?? String(error)
      log.error({ err: error }, 'scheduled job failed')
    }
    if (claims && slot !== undefined) await claims.finish(job.name, slot, failure).catch((error: unknown) => log.warn({ err: error }, 'recording the run failed'))
  }

  const tasks = jobs.map((job) => {
    if (!cron.validate(job.schedule)) throw new Error(`job ${job.name}: "${job.schedule}" is not a valid cron expression`)
    return cron.schedule(job.schedule, async () => {
      await runOnce(job, job.scope === 'instance' ? undefined : jobSlot(now()), false).catch((error: unknown) => logger.error({ err: error, job: job.name }, 'scheduled job failed'))
    }, { name: job.name, noOverlap: true, missedExecutionTolerance: LATE_RUN_TOLERANCE_MS, logger: cronLogger(logger, job.name), ...(timezone ? { timezone } : {}) })
  })
  const takeOver = async (): Promise<number> => {
    if (!claims || shared.length === 0) return 0
    let count = 0
    for (const run of await claims.takeOver(shared.map((j) => j.name))) {
      const job = shared.find((j) => j.name === run.job)
      if (!job) continue
      logger.warn({ job: run.job, slot: run.slot }, 'taking over a run an instance left unfinished')
      await runOnce(job, run.slot, true)
      count += 1
    }
    return count
  }
  // A run claimed by an instance that died before finishing it is run again here.
  if (claims && shared.length > 0) {
    tasks.push(cron.schedule('* * * * *', async () => {
      await takeOver().catch((error: unknown) => logger.error({ err: error }, 'checking for abandoned scheduled runs failed'))
    }, { name: 'job-takeover', noOverlap: true, missedExecutionTolerance: LATE_RUN_TOLERANCE_MS, logger: cronLogger(logger, 'job-takeover') }))
  }
  return {
    async stop() {
      for (const task of tasks) await task.destroy()
    },
    async tick(name, at) {
      const job = jobs.find((j) => j.name === name)
      if (!job) throw new Error(`no job ${name}`)
      await runOnce(job, job.scope === 'instance' ? undefined : jobSlot(at), false)
    },
    takeOver,
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
