import { describe, expect, it } from 'vitest'
import { parseChineseNumber } from '../../../../src/nlu/entities/chinese-numerals.js'

describe('parseChineseNumber', () => {
  it.each([
    ['一', 1],
    ['两', 2],
    ['十', 10],
    ['十五', 15],
    ['二十', 20],
    ['五十', 50],
    ['一百', 100],
    ['百', 100],
    ['三百零五', 305],
    ['三百五', 350],
    ['两千', 2000],
    ['两千五', 2500],
    ['一万五', 15000],
    ['一万二千五', 12500],
    ['一万零五', 10005],
    ['十万', 100000],
    ['一亿三千万', 130000000],
    ['三点五', 3.5],
    ['三点五万', 35000],
    ['一五零', 150],
    ['壹佰', 100],
    ['贰拾', 20],
  ])('%s → %d', (text, value) => {
    expect(parseChineseNumber(text)).toBe(value)
  })

  it.each([[''], ['二三十'], ['一点二点三'], ['下'], ['点']])('「%s」不是一个数', (text) => {
    expect(parseChineseNumber(text)).toBeNull()
  })
})
