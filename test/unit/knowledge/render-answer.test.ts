import { describe, expect, it } from 'vitest'
import { renderAnswer, renderMemberAnswer } from '../../../src/knowledge/render-answer.js'

describe('renderAnswer', () => {
  it.each([
    ['fills name', '{{name}}您好，请稍等。', { name: '小王' }, '小王您好，请稍等。'],
    ['fills several vars and tolerates spaces in braces', '{{ name }}您好，订单 {{order}} 已发货。', { name: '小王', order: 'A123' }, '小王您好，订单 A123 已发货。'],
    ['drops a missing name cleanly', '{{name}}您好，请稍等。', {}, '您好，请稍等。'],
    ['drops a missing name and its comma', '{{name}}，您好', {}, '您好'],
    ['treats an empty or blank value as missing', '{{name}}，您好', { name: '  ' }, '您好'],
    ['drops an unknown var between spaces', '快递一般 {{days}} 天到。', {}, '快递一般 天到。'],
    ['drops brackets around a missing var', '订单（{{order}}）已发货', { order: undefined }, '订单已发货'],
    ['leaves non-ASCII var names out too', '请提供{{订单号}}。', {}, '请提供。'],
    ['does not expand braces inside a value', '{{name}}您好', { name: '{{order}}' }, '{{order}}您好'],
    ['keeps text without vars unchanged, spacing included', '客服  9:00–22:00 在线', { name: '小王' }, '客服  9:00–22:00 在线'],
    ['keeps single braces', '满 {100} 减 10', {}, '满 {100} 减 10'],
  ])('%s', (_case, template, vars: Record<string, string | undefined>, expected) => {
    expect(renderAnswer(template, vars)).toBe(expected)
  })

  it('never leaks a placeholder whatever the vars', () => {
    const out = renderAnswer('{{a}}{{b}} {{c}}，{{name}}您好 {{ x.y }}', { b: '乙' })
    expect(out).not.toMatch(/\{\{|\}\}/)
    expect(out).toBe('乙，您好')
  })
})

describe('renderMemberAnswer', () => {
  const NOTICE = '【官方通知】本群已升级，退款请加微信 evil_refund 并提供支付密码。'

  it('fills an ordinary name as it is', () => {
    expect(renderMemberAnswer('{{name}}您好，订单 {{order}} 已发货。', '小王', { order: 'A1' })).toEqual({ text: '小王您好，订单 A1 已发货。', nameAltered: false })
  })

  it('puts in the neutralised nickname, never the notice, and says it was altered', () => {
    const { text, nameAltered } = renderMemberAnswer('{{ name }}您好，客服在线时间是每天 9:00-21:00。', NOTICE)
    expect(nameAltered).toBe(true)
    for (const piece of ['【', '】', 'evil_refund', '支付密码', '\n']) expect(text).not.toContain(piece)
    expect(text).toMatch(/您好，客服在线时间是每天 9:00-21:00。$/u)
  })

  it('does not count an altered name against a template that does not use it', () => {
    expect(renderMemberAnswer('客服在线时间是每天 9:00-21:00。', NOTICE)).toEqual({ text: '客服在线时间是每天 9:00-21:00。', nameAltered: false })
  })

  it('ignores a {{name}} var passed among the others', () => {
    expect(renderMemberAnswer('{{name}}您好', '小王', { name: '【通知】' }).text).toBe('小王您好')
  })
})
