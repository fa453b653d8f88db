import { describe, expect, it } from 'vitest'
import { QunDeskError } from '../../../src/core/errors.js'
import { addDays, dayOf, isDay, listDays, toUtcInterval } from '../../../src/reports/report-range.js'

describe('dayOf', () => {
  it.each([
    { at: '2026-11-23T15:59:59.999Z', offset: 480, day: '2026-11-23' },
    { at: '2026-11-23T16:00:00.000Z', offset: 480, day: '2026-11-24' },
    { at: '2026-11-22T16:00:00.000Z', offset: 480, day: '2026-11-23' },
    { at: '2026-11-23T15:59:59.999Z', offset: 0, day: '2026-11-23' },
    { at: '2026-11-23T16:00:00.000Z', offset: 0, day: '2026-11-23' },
    { at: '2026-11-23T04:59:59.999Z', offset: -300, day: '2026-11-22' },
    { at: '2026-12-31T16:00:00.000Z', offset: 480, day: '2027-01-01' },
    { at: '2028-02-28T16:30:00.000Z', offset: 480, day: '2028-02-29' },
  ])('$at at $offset min is $day', ({ at, offset, day }) => {
    expect(dayOf(at, offset)).toBe(day)
  })
})

describe('toUtcInterval', () => {
  it('turns China days into the UTC interval starting 8 hours earlier', () => {
    expect(toUtcInterval({ from: '2026-11-23', to: '2026-11-24' }, 480)).toEqual({
      fromIso: '2026-11-22T16:00:00.000Z',
      toIso: '2026-11-24T16:00:00.000Z',
      days: ['2026-11-23', '2026-11-24'],
    })
  })

  it('accepts exactly 92 days and lists them all', () => {
    const { days } = toUtcInterval({ from: '2026-01-01', to: addDays('2026-01-01', 91) }, 480)
    expect(days).toHaveLength(92)
    expect(days.at(-1)).toBe('2026-04-02')
  })

  it.each([
    { name: 'more than 92 days', range: { from: '2026-01-01', to: '2026-04-03' }, message: /最多 92 天，当前为 93 天/ },
    { name: 'from after to', range: { from: '2026-11-24', to: '2026-11-23' }, message: /晚于结束日期/ },
    { name: 'not a date', range: { from: 'yesterday', to: '2026-11-23' }, message: /from="yesterday"/ },
    { name: 'not a real date', range: { from: '2026-02-01', to: '2026-02-30' }, message: /to="2026-02-30"/ },
  ])('refuses $name with bad_request', ({ range, message }) => {
    let caught: unknown
    try {
      toUtcInterval(range, 480)
    } catch (error) {
      caught = error
    }
    expect(caught).toBeInstanceOf(QunDeskError)
    expect((caught as QunDeskError).code).toBe('bad_request')
    expect((caught as QunDeskError).message).toMatch(message)
  })
})

describe('day helpers', () => {
  it.each([
    ['2026-11-23', true],
    ['2028-02-29', true],
    ['2026-02-29', false],
    ['2026-13-01', false],
    ['2026-1-01', false],
    ['', false],
  ] as const)('isDay(%s) is %s', (value, expected) => {
    expect(isDay(value)).toBe(expected)
  })

  it('adds days across months and years', () => {
    expect(addDays('2026-12-30', 3)).toBe('2027-01-02')
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28')
  })

  it('lists an inclusive range', () => {
    expect(listDays('2026-02-27', '2026-03-02')).toEqual(['2026-02-27', '2026-02-28', '2026-03-01', '2026-03-02'])
    expect(listDays('2026-02-27', '2026-02-27')).toEqual(['2026-02-27'])
  })
})
