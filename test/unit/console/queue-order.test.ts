import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { SuggestionItem } from '../../../src/console/contract.js'
import { byUrgency, passesFilter, slaLeftMs, type QueueFilter } from '../../../src/console/pages/queue-order.js'

type Item = Pick<SuggestionItem, 'id' | 'kind' | 'emotionSeverity' | 'escalationReason' | 'askedAt' | 'status' | 'groupId' | 'needsHuman' | 'claimedBy'>
let next = 0
const item = (over: Partial<Item> = {}): Item => ({
  id: ++next, kind: 'answer', emotionSeverity: 'none', escalationReason: null, askedAt: '2026-12-02T10:00:00.000Z', status: 'pending',
  groupId: 'g1', needsHuman: false, claimedBy: null, ...over,
})
const at = (minute: number) => `2026-12-02T10:${String(minute).padStart(2, '0')}:00.000Z`

describe('byUrgency', () => {
  it('puts severe emotion and 转人工 first, then what customers wait on by age, then outreach and reminders', () => {
    const routineOld = item({ askedAt: at(1) })
    const routineNew = item({ askedAt: at(5) })
    const angry = item({ askedAt: at(9), emotionSeverity: 'severe', escalationReason: 'emotion' })
    const human = item({ askedAt: at(8), kind: 'needs_human', escalationReason: 'keyword' })
    const upset = item({ askedAt: at(3), kind: 'attention', emotionSeverity: 'moderate', escalationReason: 'emotion' })
    const welcome = item({ askedAt: at(0), kind: 'outreach' })
    expect(byUrgency([routineNew, welcome, routineOld, angry, upset, human]).map((i) => i.id)).toEqual([human.id, angry.id, routineOld.id, upset.id, routineNew.id, welcome.id])
  })

  it('is a stable total order: the same items in any order give the same queue', () => {
    const kinds = ['answer', 'needs_human', 'outreach', 'reminder', 'attention'] as const
    const arb = fc.array(fc.record({
      kind: fc.constantFrom(...kinds), emotionSeverity: fc.constantFrom('none', 'mild', 'moderate', 'severe'),
      escalationReason: fc.constantFrom(null, 'keyword', 'emotion', 'intent', 'misses', 'sla'), minute: fc.integer({ min: 0, max: 59 }),
    }), { maxLength: 30 })
    fc.assert(fc.property(arb, (rows) => {
      const items = rows.map((r) => item({ kind: r.kind, emotionSeverity: r.emotionSeverity, escalationReason: r.escalationReason as Item['escalationReason'], askedAt: at(r.minute) }))
      const once = byUrgency(items).map((i) => i.id)
      expect(byUrgency([...items].reverse()).map((i) => i.id)).toEqual(once)
    }))
  })
})

describe('slaLeftMs', () => {
  it('counts down for what customers wait on, and not for outreach or decided items', () => {
    const now = Date.parse(at(10))
    expect(slaLeftMs(item({ askedAt: at(0) }), 15 * 60_000, now)).toBe(5 * 60_000)
    expect(slaLeftMs(item({ askedAt: at(0), kind: 'attention' }), 5 * 60_000, now)).toBe(-5 * 60_000)
    expect(slaLeftMs(item({ kind: 'outreach' }), 15 * 60_000, now)).toBeUndefined()
    expect(slaLeftMs(item({ status: 'sent' }), 15 * 60_000, now)).toBeUndefined()
  })
})

describe('passesFilter', () => {
  const all: QueueFilter = { groupId: '', reason: '', claim: 'all' }
  it('filters by group, by reason (incl. attention and unmatched) and by mine / unclaimed', () => {
    const mine = item({ claimedBy: '小王' })
    const other = item({ claimedBy: '小李', groupId: 'g2' })
    const unmatched = item({ kind: 'needs_human', needsHuman: true })
    const keyword = item({ kind: 'needs_human', escalationReason: 'keyword', needsHuman: true })
    const upset = item({ kind: 'attention', escalationReason: 'emotion', needsHuman: true })
    const items = [mine, other, unmatched, keyword, upset]
    const ids = (filter: Partial<QueueFilter>) => items.filter((i) => passesFilter(i, { ...all, ...filter }, '小王')).map((i) => i.id)
    expect(ids({ claim: 'mine' })).toEqual([mine.id])
    expect(ids({ claim: 'unclaimed' })).toEqual([unmatched.id, keyword.id, upset.id])
    expect(ids({ groupId: 'g2' })).toEqual([other.id])
    expect(ids({ reason: 'keyword' })).toEqual([keyword.id])
    expect(ids({ reason: 'emotion' })).toEqual([])
    expect(ids({ reason: 'attention' })).toEqual([upset.id])
    expect(ids({ reason: 'unmatched' })).toEqual([unmatched.id])
  })
})
