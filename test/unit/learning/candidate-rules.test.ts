import { describe, expect, it } from 'vitest'
import { confirmsIntent, decideCandidate, MAX_CANDIDATE_CHARS } from '../../../src/learning/candidate-rules.js'

const sent = { status: 'sent', decision: 'sent', kind: 'answer', intentId: 'invoice.request', question: '能开发票吗' } as const

describe('confirmsIntent', () => {
  it('takes a reply an agent sent as drafted', () => {
    expect(confirmsIntent(sent)).toBe(true)
  })
  it('ignores edited, auto-sent and rejected replies, unsent items, outreach and empty questions', () => {
    expect(confirmsIntent({ ...sent, decision: 'edited' })).toBe(false)
    expect(confirmsIntent({ ...sent, decision: 'auto_sent' })).toBe(false)
    expect(confirmsIntent({ ...sent, decision: 'rejected', status: 'rejected' })).toBe(false)
    expect(confirmsIntent({ ...sent, status: 'sending', decision: null })).toBe(false)
    expect(confirmsIntent({ ...sent, kind: 'outreach' })).toBe(false)
    expect(confirmsIntent({ ...sent, kind: 'needs_human' })).toBe(false)
    expect(confirmsIntent({ ...sent, intentId: null })).toBe(false)
    expect(confirmsIntent({ ...sent, question: '  ' })).toBe(false)
  })
})

describe('decideCandidate', () => {
  const base = { intentId: 'invoice.request', source: 'sent' as const, knownExamples: new Set<string>(), pending: [] }

  it('proposes a new question, trimmed', () => {
    expect(decideCandidate({ ...base, text: '  能开专票吗 ' })).toEqual({ add: true, text: '能开专票吗', replaces: [] })
  })

  it('skips a question that is already an example of any intent, after the matcher normalisation', () => {
    expect(decideCandidate({ ...base, text: '您好！能开专票吗？？', knownExamples: new Set(['能开专票吗']) })).toEqual({ add: false, reason: 'known_example' })
  })

  it('skips empty, punctuation-only and overly long questions', () => {
    expect(decideCandidate({ ...base, text: '   ' })).toEqual({ add: false, reason: 'empty' })
    expect(decideCandidate({ ...base, text: '？？！' })).toEqual({ add: false, reason: 'empty' })
    expect(decideCandidate({ ...base, text: '长'.repeat(MAX_CANDIDATE_CHARS + 1) })).toEqual({ add: false, reason: 'too_long' })
  })

  it('does not queue the same question twice for an intent', () => {
    const pending = [{ id: 1, intentId: 'invoice.request', text: '能开专票吗', source: 'sent' as const }]
    expect(decideCandidate({ ...base, text: '能开专票吗!', pending })).toEqual({ add: false, reason: 'pending' })
  })

  it("lets an agent's fix replace a sent-draft candidate for another intent, but not another fix", () => {
    const pending = [{ id: 4, intentId: 'invoice.change', text: '能开专票吗', source: 'sent' as const }]
    expect(decideCandidate({ ...base, source: 'fix', text: '能开专票吗', pending })).toEqual({ add: true, text: '能开专票吗', replaces: [4] })
    expect(decideCandidate({ ...base, source: 'sent', text: '能开专票吗', pending })).toEqual({ add: false, reason: 'pending' })
    const fixed = [{ ...pending[0]!, source: 'fix' as const }]
    expect(decideCandidate({ ...base, source: 'fix', text: '能开专票吗', pending: fixed })).toEqual({ add: false, reason: 'pending' })
  })

  it('stops proposing when the queue is full', () => {
    const pending = [{ id: 1, intentId: 'a', text: '一', source: 'sent' as const }, { id: 2, intentId: 'a', text: '二', source: 'sent' as const }]
    expect(decideCandidate({ ...base, text: '三', pending, maxPending: 2 })).toEqual({ add: false, reason: 'queue_full' })
  })
})
