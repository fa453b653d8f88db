import { describe, expect, it } from 'vitest'
import { PuppetMock } from 'wechaty-puppet-mock'
import { PuppetService } from 'wechaty-puppet-service'
import { createPuppet } from '../../../../src/channels/wechaty/create-puppet.js'

describe('createPuppet', () => {
  it('imports the mock only for the demo, and it still comes with its mocker', async () => {
    const { puppet, mocker } = await createPuppet({ kind: 'mock' })
    expect(puppet).toBeInstanceOf(PuppetMock)
    expect(mocker).toBeDefined()
  })

  it('builds the puppet service client for a real account, without a mocker', async () => {
    const handle = await createPuppet({ kind: 'service', token: 'insecure_qundesk-test-token' })
    expect(handle.puppet).toBeInstanceOf(PuppetService)
    expect(handle.mocker).toBeUndefined()
  })
})
