import { describe, expect, it } from 'vitest'
import { describeCasesReadError, intentLabeller } from '../../../src/cli/describe-decision.js'
import { describeBands } from '../../../src/nlu/describe-bands.js'
import { describeUsageError } from '../../../src/cli/cli-io.js'

describe('what kb test and kb eval print', () => {
  it('names an intent by id, with its admin-given name beside it when it has one', () => {
    const kb = { get: (id: string) => (id === 'logistics.track' ? { name: '查快递' } : id === 'shop.hours' ? {} : undefined) } as never
    const label = intentLabeller(kb)
    expect([label('logistics.track'), label('shop.hours'), label('gone.intent')]).toEqual(['logistics.track（查快递）', 'shop.hours', 'gone.intent'])
  })

  it('says where the thresholds came from', () => {
    expect(describeBands('default')).toBe('默认值')
    expect(describeBands('matching.semantic: + group VIP客户群')).toBe('matching.semantic: + 群 VIP客户群 的区间')
    expect(describeBands('intent shop.invoice')).toBe('意图 shop.invoice 的 threshold')
  })

  it('says why a cases file could not be read', () => {
    expect(describeCasesReadError(Object.assign(new Error('x'), { code: 'ENOENT' }))).toBe('找不到文件 — 请检查路径')
    expect(describeCasesReadError(Object.assign(new Error('x'), { code: 'EACCES' }))).toBe('无法读取文件（EACCES）')
    expect(describeCasesReadError(new SyntaxError('Unexpected end of JSON input'))).toBe('不是有效的 JSON（Unexpected end of JSON input）— 检查逗号、引号和括号')
  })

  it('says parseArgs usage errors in Chinese, and keeps our own', () => {
    const parseError = (code: string, message: string) => Object.assign(new Error(message), { code })
    expect(describeUsageError(parseError('ERR_PARSE_ARGS_UNKNOWN_OPTION', "Unknown option '--x'. To specify a positional argument starting with a '-', place it at the end of the command after '--', as in '-- \"--x\""))).toBe("不认识的选项 '--x'（以 - 开头的参数请写在 -- 之后）")
    expect(describeUsageError(parseError('ERR_PARSE_ARGS_INVALID_OPTION_VALUE', "Option '--kb <value>' argument missing"))).toBe("选项 '--kb' 后面缺少值")
    expect(describeUsageError(parseError('ERR_PARSE_ARGS_INVALID_OPTION_VALUE', "Option '--json' does not take an argument"))).toBe("选项 '--json' 不带值")
    expect(describeUsageError(new Error('kb test 需要一个问题'))).toBe('kb test 需要一个问题')
  })
})
