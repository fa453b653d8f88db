import { Writable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { createLogger } from '../../../src/core/logger.js'
import { maskPersonalData } from '../../../src/core/mask-personal-data.js'
import { QunDeskError } from '../../../src/core/errors.js'

function capture(level = 'trace') {
  const raw: string[] = []
  const destination = new Writable({ write(chunk, _enc, done) { raw.push(String(chunk)); done() } })
  return { raw, text: () => raw.join(''), lines: () => raw.map((l) => JSON.parse(l) as Record<string, unknown>), logger: createLogger({ level, destination }) }
}

describe('maskPersonalData', () => {
  it.each([
    ['电话13812345678', '电话138****5678'],
    ['call +86 138 1234 5678 now', 'call 138****5678 now'],
    ['0086-139-8765-4321', '139****4321'],
    ['手机：15900001111。', '手机：159****1111。'],
  ])('masks the mainland mobile in %s', (input, expected) => {
    expect(maskPersonalData(input)).toBe(expected)
  })

  it.each([
    ['订单号：DD20261123001，还没到', '订单号：DD****01，还没到'],
    ['快递单号 SF1234567890123', '快递单号 SF****23'],
    ['淘宝订单 4001234567890123456 的发票', '淘宝订单 40****56 的发票'],
    ['jd 123456789012 到哪了', 'jd 12****12 到哪了'],
    ['运单号是YT9876543210987', '运单号是YT****87'],
  ])('keeps only the first and last 2 characters of the order id in %s', (input, expected) => {
    expect(maskPersonalData(input)).toBe(expected)
  })

  it('reads an 11-digit number after 订单号 as an order id, as the entity extractor does', () => {
    expect(maskPersonalData('订单号13812345678')).toBe('订单号13****78')
  })

  it.each([
    '订单ab还没发',
    '单号12',
    '共 1234567 元',
    '电话 1381234567',          // 10 digits: not a mobile
    '12812345678',              // 12x is not a mobile prefix
    '2026-11-23T08:00:00.000Z',
    '',
  ])('leaves %j alone', (input) => {
    expect(maskPersonalData(input)).toBe(input)
  })

  it('masks every occurrence in one string', () => {
    expect(maskPersonalData('13812345678 和 13998765432，订单号DD20261123001')).toBe('138****5678 和 139****5432，订单号DD****01')
  })
})

describe('the logger masks phones and order ids', () => {
  const PHONE = '13812345678'
  const ORDER = 'DD20261123001'

  it('in the message, string fields, nested objects, arrays and format arguments', () => {
    const log = capture()
    log.logger.info({ text: `电话 ${PHONE}`, nested: { deeper: [`订单号${ORDER}`] } }, `客户留了 ${PHONE}，订单号：%s`, ORDER)
    const out = log.text()
    expect(out).not.toContain(PHONE)
    expect(out).not.toContain(ORDER)
    const [line] = log.lines()
    expect(line).toMatchObject({ msg: '客户留了 138****5678，订单号：DD****01', text: '电话 138****5678', nested: { deeper: ['订单号DD****01'] } })
  })

  it('in errors: message, stack, cause and context, keeping the error type', () => {
    const log = capture()
    const error = new QunDeskError('bad_request', `bad phone ${PHONE}`, { order: `订单号${ORDER}` }, { cause: new Error(`upstream said ${PHONE}`) })
    log.logger.error({ err: error }, 'failed')
    log.logger.error(error)
    const out = log.text()
    expect(out).not.toContain(PHONE)
    expect(out).not.toContain(ORDER)
    const [first, second] = log.lines() as Array<{ msg: string; err: { type: string; message: string; stack: string; context: unknown } }>
    expect(first!.err.type).toBe('QunDeskError')
    expect(first!.err.message).toContain('bad phone 138****5678')
    expect(first!.err.context).toEqual({ order: '订单号DD****01' })
    // pino takes the message from the error when none is given.
    expect(second!.msg).toBe('bad phone 138****5678')
    // The caller's error is not changed.
    expect(error.message).toBe(`bad phone ${PHONE}`)
  })

  it('in child logger bindings', () => {
    const log = capture()
    log.logger.child({ customer: `张三 ${PHONE}` }).info('hello')
    expect(log.text()).not.toContain(PHONE)
    expect(log.lines()[0]).toMatchObject({ customer: '张三 138****5678', app: 'qundesk' })
  })

  it('but not in platform ids logged for correlation (a WeCom MsgId is a long number)', () => {
    const log = capture()
    log.logger.info({ dedupeKey: 'msg:1234567890123456', messageId: 'wecom:1234567890123456789', count: 13812345678 }, 'stored')
    expect(log.lines()[0]).toMatchObject({ dedupeKey: 'msg:1234567890123456', messageId: 'wecom:1234567890123456789', count: 13812345678 })
  })

  it('still redacts secrets', () => {
    const log = capture()
    log.logger.info({ token: 'secret-token-value', headers: { authorization: 'Bearer x' } }, 'x')
    expect(log.text()).not.toContain('secret-token-value')
    expect(log.lines()[0]).toMatchObject({ token: '[redacted]' })
  })
})
