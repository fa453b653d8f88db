import { describe, expect, it } from 'vitest'
import { DEMO_HISTORY_DAYS, DEMO_JOIN_DAYS_AGO, demoHistory } from '../../../../../src/channels/wechaty/demo/demo-history-script.js'
import { DEMO_GROUPS } from '../../../../../src/channels/wechaty/demo/demo-script.js'

describe('the demo history script', () => {
  const history = demoHistory()

  it('covers every day of the week, the same way each time', () => {
    expect(history).toHaveLength(DEMO_HISTORY_DAYS)
    expect(history.every((day) => day.length >= 5)).toBe(true)
    expect(demoHistory()).toEqual(history)
  })

  it('has only members of the group ask, and none before they joined', () => {
    history.forEach((day, index) => {
      const daysAgo = DEMO_HISTORY_DAYS - index
      for (const entry of day) {
        expect(DEMO_GROUPS[entry.group].customers.map((c) => c.id)).toContain(entry.customerId)
        // Asked `daysAgo` days back at `minute` past midnight: later than the join (days ago, larger = earlier).
        expect(DEMO_JOIN_DAYS_AGO[entry.customerId]!).toBeGreaterThan(daysAgo - entry.minute / 1440)
      }
    })
  })

  it('asks each day in order, within 09:00–22:00, with room for the agent between questions', () => {
    for (const day of history) {
      const minutes = day.map((e) => e.minute)
      expect(minutes).toEqual([...minutes].sort((a, b) => a - b))
      expect(minutes[0]!).toBeGreaterThanOrEqual(9 * 60)
      expect(minutes.at(-1)!).toBeLessThan(22 * 60)
      for (let i = 1; i < day.length; i += 1) expect(minutes[i]! - minutes[i - 1]!).toBeGreaterThan(day[i - 1]!.responseMinutes + 2)
    }
  })

  it('shows every kind of decision, and leaves only yesterday evening waiting', () => {
    const moves = new Set(history.flat().map((e) => e.agent))
    expect([...moves].sort()).toEqual(['answer', 'edit', 'reject', 'send', 'wait'])
    expect(history.slice(0, -1).flat().some((e) => e.agent === 'wait')).toBe(false)
    expect(history.flat().some((e) => e.followUp)).toBe(true)
  })
})
