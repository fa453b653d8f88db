import { Writable } from 'node:stream'
import { expect } from 'vitest'
import { QunDeskError } from '../../src/core/errors.js'
import { createLogger } from '../../src/core/logger.js'

/** Every log line as written (to search for secrets), parsed lines, and the trace-level logger writing them. */
export function captureLog() {
  const raw: string[] = []
  const destination = new Writable({ write(chunk, _enc, done) { raw.push(String(chunk)); done() } })
  return { raw, lines: () => raw.map((l) => JSON.parse(l) as Record<string, unknown>), logger: createLogger({ level: 'trace', destination }) }
}

/** A clock that only moves when the code under test sleeps (or the test advances it). */
export function fakeTime(start = Date.parse('2025-03-01T08:00:00Z')) {
  let now = start
  const sleeps: number[] = []
  return {
    start,
    now: () => now,
    clock: () => new Date(now),
    sleep: async (ms: number) => { sleeps.push(ms); now += ms },
    advance: (ms: number) => { now += ms },
    sleeps,
  }
}

/** The QunDeskError a promise rejects with (fails the test when it resolves or rejects with anything else). */
export async function rejection(promise: Promise<unknown>): Promise<QunDeskError> {
  const error = await promise.then(() => undefined, (e: unknown) => e)
  expect(error).toBeInstanceOf(QunDeskError)
  return error as QunDeskError
}
