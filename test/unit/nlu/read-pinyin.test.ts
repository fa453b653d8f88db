import { describe, expect, it } from 'vitest'
import { normalizeText } from '../../../src/nlu/normalize-text.js'
import { createPinyinReader } from '../../../src/nlu/read-pinyin.js'
import { pinyinReadings } from '../../../src/nlu/zh-dictionary.js'

const reader = createPinyinReader(['我的快递到哪了', '怎么退款', '发票怎么开', '能开发票吗', '退货地址是什么', '几点上班'].map(normalizeText), pinyinReadings)
const read = (text: string) => reader.read(normalizeText(text))

describe('createPinyinReader', () => {
  it.each([
    ['kuaidi daonale', '快递到哪了'],
    ['kuaididaonale', '快递到哪了'],
    ['tui kuan', '退款'],
    ['fapiao zenme kai', '发票怎么开'],
    ['Fapiao Zenme Kai?', '发票怎么开'],
    ['我的kuaidi呢', '我的快递呢'],
    ['tuihuo dizhi', '退货地址'],
  ])('%s reads %s', (text, expected) => {
    expect(read(text)).toBe(expected)
  })

  it.each([['vip'], ['ok'], ['size'], ['order'], ['an'], ['iphone'], ['hello world'], ['xyz123']])('leaves %s alone', (text) => {
    expect(read(text)).toBe(normalizeText(text))
  })
})
