import { describe, expect, it } from 'vitest'
import { extractEntities, firstEntity } from '../../../../src/nlu/entities/extract-entities.js'
import type { Entity } from '../../../../src/nlu/entities/extract-entities.js'

/** Wednesday 2026-11-25, 12:00 in Beijing. */
const NOW = new Date('2026-11-25T04:00:00Z')

function found(text: string): [Entity['type'], string | number, string][] {
  return extractEntities(text, { now: NOW }).map((e) => [e.type, e.value, e.text])
}

describe('extractEntities: 订单号与快递单号', () => {
  it.each([
    ['订单号：DD20261123001', 'DD20261123001', 'DD20261123001'],
    ['订单编号 DD-2026-1123-001 麻烦查下', 'DD-2026-1123-001', 'DD-2026-1123-001'],
    ['我的订单 123456789012345678 还没发货', '123456789012345678', '123456789012345678'],
    ['3948571029384756123 这个单什么时候发', '3948571029384756123', '3948571029384756123'],
    ['快递单号 SF1234567890123', 'SF1234567890123', 'SF1234567890123'],
    ['运单号：773012345678901', '773012345678901', '773012345678901'],
    ['单号是jd0012345678901', 'JD0012345678901', 'jd0012345678901'],
    ['订单号是 ＤＤ２０２６１１２３００１', 'DD20261123001', 'ＤＤ２０２６１１２３００１'],
  ])('在「%s」里找到订单号 %s', (text, value, original) => {
    expect(found(text)).toEqual([['order_id', value, original]])
  })

  it('把订单号后面看起来像手机号的 11 位数字当订单号', () => {
    expect(found('订单13812345678')).toEqual([['order_id', '13812345678', '13812345678']])
    expect(found('快递单号：13812345678')).toEqual([['order_id', '13812345678', '13812345678']])
  })

  it('长数字串里藏着的手机号不算手机号', () => {
    expect(found('1381234567890123')).toEqual([['order_id', '1381234567890123', '1381234567890123']])
  })

  it.each([['订单有问题'], ['单号多少'], ['订单ab12'], ['10 位数字 1234567890 不是单号'], ['iphone15 有货吗']])('「%s」里没有订单号', (text) => {
    expect(found(text).filter(([type]) => type === 'order_id')).toEqual([])
  })

  it('偏移量指向原文', () => {
    const text = '亲，订单号：DD20261123001'
    const [entity] = extractEntities(text, { now: NOW })
    expect(entity && text.slice(entity.start, entity.end)).toBe('DD20261123001')
  })
})

describe('extractEntities: 手机号', () => {
  it.each([
    ['电话 13812345678', '13812345678'],
    ['电话 138 1234 5678', '138 1234 5678'],
    ['打 138-1234-5678 找我', '138-1234-5678'],
    ['+86 138-1234-5678', '+86 138-1234-5678'],
    ['+8613812345678', '+8613812345678'],
    ['手机１３８１２３４５６７８', '１３８１２３４５６７８'],
  ])('在「%s」里找到手机号', (text, original) => {
    expect(found(text)).toEqual([['phone', '13812345678', original]])
  })

  it.each([['12812345678'], ['138123456789'], ['138-1234 5678'], ['0138123456780']])('「%s」不是手机号（号段、长度或分隔不对）', (text) => {
    expect(found(text).filter(([type]) => type === 'phone')).toEqual([])
  })

  it('手机号和订单号同时出现时各归各', () => {
    expect(found('手机13812345678，订单号123456789012345678')).toEqual([
      ['phone', '13812345678', '13812345678'],
      ['order_id', '123456789012345678', '123456789012345678'],
    ])
  })
})

describe('extractEntities: 金额（元）', () => {
  it.each([
    ['99元', 99],
    ['¥99.5', 99.5],
    ['￥ 99.5', 99.5],
    ['99.5块', 99.5],
    ['退了200块', 200],
    ['一百块', 100],
    ['两千元', 2000],
    ['五十块钱', 50],
    ['三块五', 3.5],
    ['3块5', 3.5],
    ['一万五千元', 15000],
    ['3万', 30000],
    ['1.5万元', 15000],
    ['1.2k', 1200],
    ['5w', 50000],
    ['3千块', 3000],
    ['人民币300', 300],
    ['99块包邮吗', 99],
  ])('「%s」是 %d 元', (text, value) => {
    const amounts = extractEntities(text, { now: NOW }).filter((e) => e.type === 'amount')
    expect(amounts.map((e) => e.value)).toEqual([value])
  })

  it.each([
    ['退了 200', '没有货币单位的数字'],
    ['等一下', '"一下"'],
    ['我们一块儿去', '一块儿'],
    ['两块蛋糕', '量词"块"'],
    ['元旦发货吗', '元旦'],
    ['4k屏幕', '分辨率'],
    ['卖了3万件', '件数'],
  ])('「%s」不是金额（%s）', (text) => {
    expect(found(text).filter(([type]) => type === 'amount')).toEqual([])
  })

  it('99元2件 只取 99 元，不把 2 当成角', () => {
    expect(found('99元2件')).toEqual([['amount', 99, '99元']])
  })
})

describe('extractEntities: 日期（相对 now，东八区）', () => {
  it.each([
    ['今天', '2026-11-25'],
    ['明天能到吗', '2026-11-26'],
    ['昨天', '2026-11-24'],
    ['前天', '2026-11-23'],
    ['后天', '2026-11-27'],
    ['大后天', '2026-11-28'],
    ['11月23日', '2026-11-23'],
    ['11月23号', '2026-11-23'],
    ['十一月二十三号', '2026-11-23'],
    ['11-23', '2026-11-23'],
    ['2026-11-23', '2026-11-23'],
    ['2026/11/23', '2026-11-23'],
    ['2026年11月23日', '2026-11-23'],
    ['1月5日', '2027-01-05'],
    ['周五', '2026-11-27'],
    ['星期三', '2026-11-25'],
    ['礼拜天', '2026-11-29'],
    ['周一', '2026-11-30'],
    ['下周一', '2026-11-30'],
    ['下周三', '2026-12-02'],
    ['下週三', '2026-12-02'],
    ['11月23號', '2026-11-23'],
    ['後天', '2026-11-27'],
    ['禮拜天', '2026-11-29'],
    ['这周一', '2026-11-23'],
    ['上周五', '2026-11-20'],
    ['下个月3号', '2026-12-03'],
    ['上个月3号', '2026-10-03'],
    ['23号下的单', '2026-11-23'],
    ['3号能到吗', '2026-12-03'],
  ])('「%s」是 %s', (text, value) => {
    expect(extractEntities(text, { now: NOW }).filter((e) => e.type === 'date').map((e) => e.value)).toEqual([value])
  })

  it.each([
    ['上个月', '一个时间段'],
    ['3号线', '地铁线'],
    ['5号楼', '楼号'],
    ['42号的鞋', '尺码'],
    ['第3号', '序号'],
    ['一周一次', '频率'],
    ['每周一发货', '周期'],
    ['3-5天到', '天数范围'],
    ['2月30日', '不存在的日子'],
    ['一日三餐', '天数'],
    ['等了一个星期了', '时长'],
  ])('「%s」不是日期（%s）', (text) => {
    expect(found(text).filter(([type]) => type === 'date')).toEqual([])
  })

  it('按客户所在时区算"今天"：UTC 16:30 在北京已是第二天', () => {
    const now = new Date('2026-11-25T16:30:00Z')
    expect(firstEntity(extractEntities('今天', { now }), 'date')?.value).toBe('2026-11-26')
    expect(firstEntity(extractEntities('今天', { now, utcOffsetMinutes: 0 }), 'date')?.value).toBe('2026-11-25')
  })

  it('周日说"下周一"是明天（周一开始新的一周）', () => {
    const sunday = new Date('2026-11-29T04:00:00Z')
    expect(firstEntity(extractEntities('下周一', { now: sunday }), 'date')?.value).toBe('2026-11-30')
  })

  it('跨年：12 月底说的"1月3号"是明年', () => {
    const now = new Date('2026-12-30T04:00:00Z')
    expect(firstEntity(extractEntities('1月3号', { now }), 'date')?.value).toBe('2027-01-03')
  })
})

describe('extractEntities: 整句与边界', () => {
  it('一句话里的几种实体按出现顺序返回', () => {
    expect(found('订单号：DD20261123001，明天能退我99.5元吗？电话138 1234 5678')).toEqual([
      ['order_id', 'DD20261123001', 'DD20261123001'],
      ['date', '2026-11-26', '明天'],
      ['amount', 99.5, '99.5元'],
      ['phone', '13812345678', '138 1234 5678'],
    ])
  })

  it('年月日不会被再拆成月日或金额', () => {
    expect(found('2026年11月23日付了2000元')).toEqual([
      ['date', '2026-11-23', '2026年11月23日'],
      ['amount', 2000, '2000元'],
    ])
  })

  it.each([[''], ['哈哈哈'], ['😡😡😡'], ['！！！？？？']])('「%s」什么都没有', (text) => {
    expect(extractEntities(text, { now: NOW })).toEqual([])
  })

  it('很长的输入也能处理，结果不重叠', () => {
    const text = '订单123456789012345678 退99元 明天 '.repeat(20000)
    const entities = extractEntities(text, { now: NOW })
    for (let i = 1; i < entities.length; i++) expect(entities[i]!.start).toBeGreaterThanOrEqual(entities[i - 1]!.end)
  })

  it('firstEntity 返回该类型的第一个，并收窄类型', () => {
    const entities = extractEntities('退99元，再退100元', { now: NOW })
    const amount = firstEntity(entities, 'amount')
    expect(amount?.value).toBe(99)
    expect(firstEntity(entities, 'phone')).toBeUndefined()
  })
})
