import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { isClosingRemark } from '../../../src/nlu/is-closing-remark.js'

describe('isClosingRemark', () => {
  it.each([
    ['好的'], ['好的谢谢'], ['收到'], ['收到👍'], ['👍'], ['👍🏻'], ['谢谢！'], ['謝謝'], ['ok'], ['OK～'], ['Okay.'], ['嗯嗯'], ['知道了'],
    ['好的，知道了，谢谢亲'], ['好嘞 辛苦了'], ['[抱拳]'], ['【OK】'], ['thanks!'], ['Thank you'], ['明白了👌'], ['没事了谢谢'], ['  好的  '],
  ])('「%s」 closes the conversation', (text) => {
    expect(isClosingRemark(text)).toBe(true)
  })

  it.each([
    ['好的，那什么时候发货'], ['收到了吗'], ['谢谢，发票怎么开'], ['可以吗'], ['ok 退款呢'], ['嗯？'.replace('？', '吗')], ['不好'], ['好的我要投诉'],
    ['😡'], ['[怒]'], [''], ['   '], ['谢谢'.repeat(30)], ['快递到哪了'],
  ])('「%s」 is not just a closing remark', (text) => {
    expect(isClosingRemark(text)).toBe(false)
  })

  it('never throws on hostile strings', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => typeof isClosingRemark(text) === 'boolean'))
  })
})
