import { describe, expect, it } from 'vitest'
import { defaultAsk, findSlotValues } from '../../../src/slots/find-slot-values.js'

const NOW = new Date('2026-11-25T04:00:00Z')

describe('findSlotValues', () => {
  it.each([
    [['order_id'], '订单号 DD20261123001 还没发', { order_id: 'DD20261123001' }, []],
    [['order_id'], '帮我催一下发货', {}, ['order_id']],
    [['order_id', 'phone'], '单号123456789012345678，电话13812345678', { order_id: '123456789012345678', phone: '13812345678' }, []],
    [['order_id', 'phone'], '电话13812345678', { phone: '13812345678' }, ['order_id']],
    [['date', 'amount'], '明天退我99元', { date: '2026-11-26', amount: '99' }, []],
  ] as const)('wanted %j in %s -> values %j, missing %j', (wanted, text, values, missing) => {
    expect(findSlotValues(wanted, text, NOW)).toMatchObject({ values, missing })
  })

  it.each([
    [['order_id'], '13812345678', 'phone'],
    [['order_id'], '我电话是13812345678，你打给我', 'phone'],
    [['phone'], '订单号 DD20261123001', 'order_id'],
    [['order_id'], '好的稍等，我找一下', undefined],
    [['order_id'], '明天再说吧，就两个', undefined],
    [['order_id', 'phone'], '电话13812345678', undefined],
    [['order_id'], '订单号 DD20261123001，电话13812345678', undefined],
  ] as const)('wanted %j in %s -> answered with another identifier: %s', (wanted, text, other) => {
    const found = findSlotValues(wanted, text, NOW)
    expect(found.otherIdentifier).toBe(other)
  })
})

describe('defaultAsk', () => {
  it('asks for each missing fact by its Chinese name', () => {
    expect(defaultAsk(['order_id'])).toBe('{{name}}您好，麻烦发一下订单号，我马上帮您处理～')
    expect(defaultAsk(['order_id', 'phone'])).toBe('{{name}}您好，麻烦发一下订单号和下单手机号，我马上帮您处理～')
  })
})
