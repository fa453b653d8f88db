import { describe, expect, it } from 'vitest'
import { createStopStack } from '../../../src/app/stop-stack.js'
import { createLogger } from '../../../src/core/logger.js'

describe('stop stack', () => {
  it('stops what started last first, so the database deferred first closes after everything that uses it', async () => {
    const order: string[] = []
    const stack = createStopStack(createLogger({ level: 'silent' }))
    stack.defer(() => { order.push('database') })
    stack.defer(async () => { order.push('outbox') })
    stack.defer(() => { order.push('http') })
    await stack.stopAll()
    expect(order).toEqual(['http', 'outbox', 'database'])
  })

  it('logs a failing stop and still runs the rest, once each', async () => {
    const order: string[] = []
    const warnings: unknown[] = []
    const logger = createLogger({ level: 'silent' })
    logger.warn = ((...args: unknown[]) => { warnings.push(args) }) as typeof logger.warn
    const stack = createStopStack(logger)
    stack.defer(() => { order.push('database') })
    stack.defer(() => { throw new Error('channel already gone') })
    stack.defer(() => { order.push('http') })
    await stack.stopAll()
    await stack.stopAll()
    expect(order).toEqual(['http', 'database'])
    expect(warnings).toHaveLength(1)
  })
})
