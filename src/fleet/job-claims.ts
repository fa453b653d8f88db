import type { Clock } from '../core/clock.js'
import type { Db } from '../storage/create-db.js'
import { claimJobRun, finishJobRun, listAbandonedRuns, moveJobRun } from '../storage/fleet.repository.js'
import { STALE_AFTER_MS } from './heartbeat.js'
import { whileHoldingInstanceLock } from './instance-lock.js'

/** How a scheduler shares its runs with the other instances on the database. */
export interface JobClaims {
  /** Claims the run of `job` due at `slot`; false when another instance has it. */
  claim(job: string, slot: string): Promise<boolean>
  finish(job: string, slot: string, error: string | null): Promise<void>
  /** Runs of these jobs left unfinished by an instance that died, now claimed by this one to run again. */
  takeOver(jobs: readonly string[]): Promise<Array<{ job: string; slot: string }>>
}

/** Finished runs are kept this long (for a look at who ran what), then deleted. */
const KEEP_RUNS_MS = 2 * 24 * 3600_000

export function createJobClaims(deps: { db: Db; clock: Clock; instanceId: string; staleAfterMs?: number }): JobClaims {
  const { db, clock, instanceId } = deps
  let prunedAt = 0
  return {
    claim: (job, slot) => claimJobRun(db, job, slot, instanceId, clock().toISOString()),
    finish: (job, slot, error) => finishJobRun(db, job, slot, clock().toISOString(), error),
    async takeOver(jobs) {
      const now = clock().getTime()
      if (now - prunedAt > 3600_000) {
        prunedAt = now
        const before = new Date(now - KEEP_RUNS_MS).toISOString()
        for (const job of jobs) await db.deleteFrom('job_runs').where('job', '=', job).where('slot', '<', before).where('finished_at', 'is not', null).execute()
      }
      const taken: Array<{ job: string; slot: string }> = []
      for (const run of await listAbandonedRuns(db, jobs, instanceId, new Date(now - (deps.staleAfterMs ?? STALE_AFTER_MS)).toISOString())) {
        // A late heartbeat alone is not death: an instance still holding its lock may still be running the job.
        const moved = await whileHoldingInstanceLock(db, run.instance_id, (conn) => moveJobRun(conn, run, run.instance_id, instanceId, new Date(now).toISOString()))
        if (moved) taken.push({ job: run.job, slot: run.slot })
      }
      return taken
    },
  }
}

/** The minute a cron tick is for, the same on every instance (clocks a few seconds apart round to it). */
export function jobSlot(at: Date): string {
  return new Date(Math.round(at.getTime() / 60_000) * 60_000).toISOString()
}
