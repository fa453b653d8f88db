import { describe, expect, it } from 'vitest'
import { createLogger } from '../../../src/core/logger.js'
import { compose, type MessageContext, type Step } from '../../../src/pipeline/message-context.js'

const ctx = (): MessageContext => ({
  message: { id: 'x:1', channel: 'x', groupId: 'g', groupName: 'G', senderId: 's', senderName: 'S', text: 't', question: 't', mentionsBot: true, fromSelf: false, sentAt: new Date(0) },
  log: createLogger({ level: 'silent' }),
  outcome: 'handled',
})

describe('compose', () => {
  it('runs steps in order, around next()', async () => {
    const trace: string[] = []
    const step = (name: string): Step => async (_c, next) => {
      trace.push(`${name}>`)
      await next()
      trace.push(`<${name}`)
    }
    await compose([step('a'), step('b')])(ctx())
    expect(trace).toEqual(['a>', 'b>', '<b', '<a'])
  })

  it('stops when a step does not call next()', async () => {
    const trace: string[] = []
    await compose([async (c) => { c.outcome = 'ignored'; trace.push('stop') }, async () => { trace.push('never') }])(ctx())
    expect(trace).toEqual(['stop'])
  })

  it('lets a step error reach the caller', async () => {
    await expect(compose([async () => { throw new Error('boom') }])(ctx())).rejects.toThrow('boom')
  })
})
