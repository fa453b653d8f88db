import { describe, expect, it } from 'vitest'
import { loadConfig } from '../../../src/config/load-config.js'
import { QunDeskError } from '../../../src/core/errors.js'

const cwd = '/srv/qundesk'

describe('rate-limit configuration', () => {
  it('defaults to 20 requests per second with a burst of 60', () => {
    expect(loadConfig({}, cwd).rateLimit).toEqual({ perSecond: 20, burst: 60 })
  })

  it('reads QUNDESK_RATE_LIMIT_PER_SECOND and _BURST; the burst defaults to three seconds of the rate', () => {
    expect(loadConfig({ QUNDESK_RATE_LIMIT_PER_SECOND: '50', QUNDESK_RATE_LIMIT_BURST: '80' }, cwd).rateLimit).toEqual({ perSecond: 50, burst: 80 })
    expect(loadConfig({ QUNDESK_RATE_LIMIT_PER_SECOND: '5' }, cwd).rateLimit).toEqual({ perSecond: 5, burst: 15 })
    expect(loadConfig({ QUNDESK_RATE_LIMIT_PER_SECOND: '0' }, cwd).rateLimit.perSecond).toBe(0)
  })

  it.each([
    [{ QUNDESK_RATE_LIMIT_PER_SECOND: 'many' }, 'QUNDESK_RATE_LIMIT_PER_SECOND="many" must be a whole number from 0 to 100000'],
    [{ QUNDESK_RATE_LIMIT_PER_SECOND: '-1' }, 'QUNDESK_RATE_LIMIT_PER_SECOND="-1"'],
    [{ QUNDESK_RATE_LIMIT_PER_SECOND: '2.5' }, 'QUNDESK_RATE_LIMIT_PER_SECOND="2.5"'],
    [{ QUNDESK_RATE_LIMIT_BURST: '0' }, 'QUNDESK_RATE_LIMIT_BURST="0" must be a whole number from 1 to 1000000'],
    [{ QUNDESK_RATE_LIMIT_BURST: '1e3' }, 'QUNDESK_RATE_LIMIT_BURST="1e3"'],
  ])('rejects %j, naming the variable and what it takes', (env, message) => {
    const error = (() => {
      try {
        loadConfig(env, cwd)
      } catch (e) {
        return e
      }
    })()
    expect(error).toBeInstanceOf(QunDeskError)
    expect((error as QunDeskError).code).toBe('config_invalid')
    expect((error as QunDeskError).message).toContain(message)
  })
})
