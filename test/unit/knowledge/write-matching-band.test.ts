import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseKnowledgeFile } from '../../../src/knowledge/parse-knowledge-file.js'
import { hasMatchingSection, setMatchingBand } from '../../../src/knowledge/write-matching-band.js'

const ROOT = path.resolve(import.meta.dirname, '../../..')

describe('setMatchingBand', () => {
  it('replaces values in place, keeping their comments and everything else', () => {
    const text = [
      '# 阈值区间',
      'matching:',
      '  suggest: 0.25       # S',
      '  auto_send: 0.5      # A',
      '  groups:',
      '    - match: VIP客户群   # 按群名',
      '      suggest: 0.35',
      'intents:',
      '  - id: a',
      '    examples: [你好, 在吗]',
      '    answer: "很长的回答很长的回答很长的回答很长的回答很长的回答很长的回答很长的回答很长的回答很长的回答很长的回答很长的回答"',
      '',
    ].join('\n')
    const out = setMatchingBand(text, { suggest: 0.31, autoSend: 0.55 })
    expect(out).toBe(text.replace('suggest: 0.25 ', 'suggest: 0.31 ').replace('auto_send: 0.5 ', 'auto_send: 0.55 '))
  })

  it('adds missing keys at the top of the section, before groups', () => {
    const text = 'matching:\n  # 按群设置\n  groups:\n    - match: VIP客户群\n      suggest: 0.35\n'
    const out = setMatchingBand(text, { suggest: 0.3, autoSend: 0.6 })
    expect(out).toBe('matching:\n  # 按群设置\n  suggest: 0.3\n  auto_send: 0.6\n  groups:\n    - match: VIP客户群\n      suggest: 0.35\n')
    expect(parseKnowledgeFile(out, 'm.yaml').bands?.bands).toEqual({ global: { suggest: 0.3, autoSend: 0.6 }, groups: [{ match: 'VIP客户群', suggest: 0.35 }] })
  })

  it('adds a matching section to a file without one, and leaves auto_send alone when not given', () => {
    const text = '# 升级规则\nescalation:\n  emotion: severe # 情绪\n'
    const out = setMatchingBand(text, { suggest: 0.4 })
    expect(out).toBe(`${text}matching:\n  suggest: 0.4\n`)
    expect(hasMatchingSection(out)).toBe(true)
    expect(hasMatchingSection(text)).toBe(false)
  })

  it('leaves every shipped knowledge file byte for byte as it was, but for the band', () => {
    for (const file of fs.readdirSync(path.join(ROOT, 'knowledge')).filter((f) => f.endsWith('.yaml'))) {
      const text = fs.readFileSync(path.join(ROOT, 'knowledge', file), 'utf8')
      // The one file that has the band (written by kb calibrate --write) changes only in its value.
      if (/^matching:/m.test(text)) expect(setMatchingBand(text, { suggest: 0.3 })).toBe(text.replace(/^(  suggest: )[\d.]+/m, '$10.3'))
      else expect(setMatchingBand(text, { suggest: 0.3 })).toBe(`${text}matching:\n  suggest: 0.3\n`)
    }
  })

  it('keeps one value and adds the other', () => {
    expect(setMatchingBand('matching:\n  auto_send: 0.7 # A\n', { suggest: 0.3, autoSend: 0.6 })).toBe('matching:\n  suggest: 0.3\n  auto_send: 0.6 # A\n')
  })

  it('edits a flow-style section through the document', () => {
    const out = setMatchingBand('# 区间\nmatching: { suggest: 0.2 }\n', { suggest: 0.3 })
    expect(out).toContain('# 区间')
    expect(parseKnowledgeFile(out, 'm.yaml').bands?.bands.global).toEqual({ suggest: 0.3 })
  })

  it('adds the section to an empty or comment-only file', () => {
    expect(setMatchingBand('', { suggest: 0.3 })).toBe('matching:\n  suggest: 0.3\n')
    expect(setMatchingBand('# 说明\n', { suggest: 0.3, autoSend: 0.4 })).toBe('# 说明\nmatching:\n  suggest: 0.3\n  auto_send: 0.4\n')
  })

  it('refuses a file it cannot parse', () => {
    expect(() => setMatchingBand('matching: [\n', { suggest: 0.3 })).toThrow('无法修改文件：YAML 语法错误：[ … ] 列表没有用 ] 结束，或缩进不够')
  })
})
