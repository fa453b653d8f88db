import { parseDocument } from 'yaml'
import { describe, expect, it } from 'vitest'
import { describeYamlError } from '../../../../src/core/yaml/describe-yaml-error.js'

/** The first error the yaml library gives for a text, as admins read it. */
const said = (text: string) => {
  const error = parseDocument(text, { prettyErrors: false, uniqueKeys: true }).errors[0]
  return error ? describeYamlError(error) : 'no error'
}

describe('describeYamlError', () => {
  // Against the library's own wording: a yaml upgrade that rewords a message shows up here, not as English for admins.
  it.each([
    ['intents:\n  - id: a\n\texamples: [x]\n', '行首不能用 Tab 缩进'],
    ['a: 1\na: 2\n', '同一层里有重复的键'],
    ['a: "x\n', '双引号 " 没有闭合'],
    ["a: 'x\n", "单引号 ' 没有闭合"],
    ['a:\n  - x\n  -y\n', '同一层的键没有对齐'],
    ['a: @x\n', '不加引号的文字不能以 @ 开头'],
    ['a: %x\n', '不加引号的文字不能以 % 开头'],
    ['a: 1\n---\nb: 2\n', '文件里有多个 YAML 文档（--- 分隔）'],
    ['a: [x\nb: 1\n', '[ … ] 列表没有用 ] 结束，或缩进不够'],
    ['a: "\\q"\n', '双引号里的转义 \\q 无效'],
    ['a: [\n  - b\n]\n', '[ … ] 或 { … } 里不能换行写“- 项”或“键: 值”'],
  ])('%j', (text, expected) => {
    expect(said(text)).toBe(expected)
  })

  it('keeps the library\'s words in brackets for a message it does not know, under a summary by code', () => {
    expect(describeYamlError({ code: 'BAD_INDENT', message: 'Something new' })).toBe('缩进不对（yaml：Something new）')
    expect(describeYamlError({ code: 'NEW_CODE', message: 'Other' })).toBe('写法不对（yaml：Other）')
  })
})
