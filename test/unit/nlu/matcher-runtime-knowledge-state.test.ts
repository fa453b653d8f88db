import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { createLogger } from '../../../src/core/logger.js'
import { createMatcherRuntime } from '../../../src/nlu/matcher-runtime.js'

const FIXTURE = path.resolve(import.meta.dirname, '../../fixtures/knowledge-lint/unknown-placeholder')

async function until<T>(fn: () => T | undefined, timeoutMs = 50_000): Promise<T> {
  const end = Date.now() + timeoutMs
  for (;;) {
    const value = fn()
    if (value !== undefined) return value
    if (Date.now() > end) throw new Error('timed out')
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

describe('matcher runtime: load error and lint per version', () => {
  it('keeps the last load error until a reload succeeds, and lints each version once, in the background', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'qundesk-kb-state-'))
    await fs.cp(FIXTURE, dir, { recursive: true })
    const runtime = createMatcherRuntime({ dir, logger: createLogger({ level: 'silent' }) })
    await runtime.start()
    expect(runtime.loadError()).toBeUndefined()

    expect(runtime.lint()).toEqual({ status: 'running', version: 1 })
    const ready = await until(() => { const s = runtime.lint(); return s.status === 'ready' ? s : undefined })
    expect(ready.report.warnings.map((w) => w.kind)).toEqual(['unknown_placeholder'])
    expect(runtime.lint()).toBe(ready) // cached for the version: no second run

    const broken = path.join(dir, 'broken.yaml')
    await fs.writeFile(broken, 'intents:\n  - id: broken.one\n    examples: [坏的\n')
    expect((await runtime.reload()).ok).toBe(false)
    expect(runtime.loadError()?.problems[0]).toMatchObject({ file: broken, line: expect.any(Number) })
    expect(runtime.lint()).toBe(ready) // still the version in use

    await fs.rm(broken)
    expect((await runtime.reload()).ok).toBe(true)
    expect(runtime.loadError()).toBeUndefined()
    expect(runtime.lint()).toEqual({ status: 'running', version: 2 })
    await until(() => (runtime.lint().status === 'ready' ? true : undefined))
  })
})
