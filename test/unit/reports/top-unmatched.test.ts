import { describe, expect, it } from 'vitest'
import { normaliseQuestion, topUnmatched } from '../../../src/reports/top-unmatched.js'
import { reportRow, unmatchedRow } from './report-rows.js'

describe('normaliseQuestion', () => {
  it.each([
    ['  能开发票吗  ', '能开发票吗'],
    ['能开\t发票\n\n吗', '能开 发票 吗'],
    ['能开发票吗？？', '能开发票吗'],
    ['能开发票吗?!', '能开发票吗'],
    ['在吗～～', '在吗'],
    ['在吗~', '在吗'],
    ['好的。', '好的'],
    ['能开发票吗 ？ ！', '能开发票吗'],
    ['Can I get an INVOICE?', 'can i get an invoice'],
    ['ＵＳＢ线怎么用', 'usb线怎么用'],
    ['这个？那个', '这个?那个'],
    ['？？', ''],
  ])('%j → %j', (input, expected) => {
    expect(normaliseQuestion(input)).toBe(expected)
  })
})

describe('topUnmatched', () => {
  it('groups repeats, counts them, keeps the newest wording and the groups that asked', () => {
    const rows = [
      unmatchedRow('能开发票吗？', { asked_at: '2026-11-23T01:00:00.000Z', group_name: '二号群' }),
      unmatchedRow('能开发票吗', { asked_at: '2026-11-23T03:00:00.000Z', group_name: '一号群' }),
      unmatchedRow(' 能开发票吗！！', { asked_at: '2026-11-23T02:00:00.000Z', group_name: '一号群' }),
      unmatchedRow('今天天气怎么样', { asked_at: '2026-11-23T04:00:00.000Z' }),
    ]
    expect(topUnmatched(rows, 10)).toEqual([
      { question: '能开发票吗', count: 3, lastAskedAt: '2026-11-23T03:00:00.000Z', groupNames: ['二号群', '一号群'] },
      { question: '今天天气怎么样', count: 1, lastAskedAt: '2026-11-23T04:00:00.000Z', groupNames: ['一号群'] },
    ])
  })

  it('only counts questions no intent matched, and skips ones empty once normalised', () => {
    const rows = [reportRow({ question: '能开发票吗' }), unmatchedRow('？？'), unmatchedRow('   '), unmatchedRow('退货')]
    expect(topUnmatched(rows, 10).map((u) => u.question)).toEqual(['退货'])
  })

  it('keeps the top N by count, most recent first on ties', () => {
    const rows = [
      unmatchedRow('a', { asked_at: '2026-11-23T01:00:00.000Z' }),
      unmatchedRow('b', { asked_at: '2026-11-23T05:00:00.000Z' }),
      unmatchedRow('c', { asked_at: '2026-11-23T02:00:00.000Z' }),
      unmatchedRow('c', { asked_at: '2026-11-23T03:00:00.000Z' }),
    ]
    expect(topUnmatched(rows, 2).map((u) => `${u.question}×${u.count}`)).toEqual(['c×2', 'b×1'])
    expect(topUnmatched(rows, 0)).toEqual([])
  })
})
