import { describe, expect, it } from 'vitest'
import { createSynonymRewriter } from '../../../src/nlu/apply-synonyms.js'
import { normalizeText } from '../../../src/nlu/normalize-text.js'

const rewrite = createSynonymRewriter([
  { term: '订单', variants: ['order', 'orders'] },
  { term: '单号', variants: ['tracking number'] },
  { term: '物流', variants: ['tracking'] },
  { term: '优惠券', variants: ['coupon', '券'] },
])
const read = (text: string) => normalizeText(rewrite(text))

describe('createSynonymRewriter', () => {
  it.each([
    ['我的order到哪了', '我的订单到哪了'],
    ['my ORDER 到哪了', 'my订单到哪了'],
    ['我的Ｏｒｄｅｒ呢', '我的订单呢'],
    ['tracking number在哪看', '单号在哪看'],
    ['tracking  number在哪看', '单号在哪看'],
    ['tracking怎么查', '物流怎么查'],
    ['有coupon吗', '有优惠券吗'],
    ['这券怎么用', '这优惠券怎么用'],
    ['优惠券怎么用', '优惠券怎么用'],
  ])('%s reads %s', (text, expected) => {
    expect(read(text)).toBe(expected)
  })

  it('matches English words whole', () => {
    expect(read('reorder一下')).toBe('reorder一下')
    expect(read('orderly')).toBe('orderly')
  })

  it('is the identity without synonyms', () => {
    expect(createSynonymRewriter([])('我的Order')).toBe('我的Order')
  })
})
