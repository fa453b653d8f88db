import type { mock } from 'wechaty-puppet-mock'
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
 * The mock is imported only for the demo: it loads faker with every locale (~1,500 files, ~12 MB of RSS) that a
 * real account never uses.
 *
 * @example
 * const { puppet, mocker } = await createPuppet({ kind: 'mock' })
 */
export async function createPuppet(config: PuppetConfig): Promise<PuppetHandle> {
  if (config.kind === 'service') {
    return { puppet: new PuppetService({ token: config.token, ...(config.endpoint ? { endpoint: config.endpoint } : {}) }) }
  }
  const { PuppetMock, mock } = await import('wechaty-puppet-mock')
  const mocker = new mock.Mocker()
  return { puppet: new PuppetMock({ mocker }), mocker }
}
