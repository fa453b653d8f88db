import { PuppetMock, mock } from 'wechaty-puppet-mock'
import { PuppetService } from 'wechaty-puppet-service'
import type * as PUPPET from 'wechaty-puppet'
import type { PuppetConfig } from '../../config/load-config.js'

export interface PuppetHandle {
  puppet: PUPPET.impls.PuppetInterface
  /** Present for the mock puppet: the demo drives fake customers through it. */
  mocker?: mock.Mocker
}

/**
 * Builds the puppet WECHATY_PUPPET asked for: the official mock for the demo, the puppet service for real accounts.
 *
 * @example
 * const { puppet, mocker } = createPuppet({ kind: 'mock' })
 */
export function createPuppet(config: PuppetConfig): PuppetHandle {
  if (config.kind === 'service') {
    return { puppet: new PuppetService({ token: config.token, ...(config.endpoint ? { endpoint: config.endpoint } : {}) }) }
  }
  const mocker = new mock.Mocker()
  return { puppet: new PuppetMock({ mocker }), mocker }
}
