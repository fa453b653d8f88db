import { describe, expect, it } from 'vitest'
import { loadConfig } from '../../../src/config/load-config.js'
import { QunDeskError } from '../../../src/core/errors.js'

const cwd = '/srv/qundesk'

describe('QUNDESK_RETENTION_DAYS', () => {
  it('defaults to 180 days', () => {
    expect(loadConfig({}, cwd).retentionDays).toBe(180)
  })

  it.each([['30', 30], ['0', 0], ['off', 0], ['OFF', 0], [' 365 ', 365]])('reads %j as %d days (0: keep forever)', (value, days) => {
    expect(loadConfig({ QUNDESK_RETENTION_DAYS: value }, cwd).retentionDays).toBe(days)
  })

  it.each(['abc', '-5', '1.5', '99999'])('refuses %j and says what to write instead', (value) => {
    let error: unknown
    try {
      loadConfig({ QUNDESK_RETENTION_DAYS: value }, cwd)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(QunDeskError)
    expect((error as QunDeskError).code).toBe('config_invalid')
    expect((error as QunDeskError).message).toContain(`QUNDESK_RETENTION_DAYS="${value.trim()}" must be a whole number of days up to 3650 (e.g. 180), or 0 / off`)
  })
})
