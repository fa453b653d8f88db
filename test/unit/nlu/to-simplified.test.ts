import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { toSimplified } from '../../../src/nlu/to-simplified.js'

describe('toSimplified', () => {
  it.each([
    ['我要投訴', '我要投诉'],
    ['請問發票怎麼開', '请问发票怎么开'],
    ['快遞到哪裡了', '快递到哪里了'],
    ['你們的客服態度太差了', '你们的客服态度太差了'],
    ['退貨後多久退款', '退货后多久退款'],
    ['乾淨嗎', '干净吗'],
    ['頭髮', '头发'],
    ['剩餘多少', '剩余多少'],
    ['12月3號能發貨嗎？', '12月3号能发货吗？'],
  ])('%s → %s', (traditional, simplified) => {
    expect(toSimplified(traditional)).toBe(simplified)
  })

  it.each([['我的快递到哪了'], ['什么二手的'], ['著名品牌'], ['乾隆年间'], ['干什么'], ['order 到哪了 👍'], ['']])('leaves simplified text alone: %s', (text) => {
    expect(toSimplified(text)).toBe(text)
  })

  it('is idempotent and never throws, whatever the string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (text) => {
        const once = toSimplified(text)
        expect(toSimplified(once)).toBe(once)
      }),
    )
  })
})
