import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { auditDetailLines, describeAuditEntry } from '../../../src/audit/describe-audit-entry.js'
import { AUDIT_ACTIONS, AUDIT_SUBJECTS, type AuditItem } from '../../../src/core/audit-item.js'

const entry = (over: Partial<AuditItem>): AuditItem => ({ id: 1, at: '2026-12-03T08:00:00.000Z', actor: '老板', action: 'login', subjectType: 'user', subjectId: '1', detail: {}, ...over })
const CJK = /[\u4e00-\u9fff]/

describe('describeAuditEntry', () => {
  it('names every audit action and subject in Chinese', () => {
    for (const [action, label] of Object.entries(AUDIT_ACTIONS)) expect(label, action).toMatch(CJK)
    for (const [subject, label] of Object.entries(AUDIT_SUBJECTS)) expect(label, subject).toMatch(CJK)
  })

  it('reads an erasure as words, with the counts labelled, not as JSON', () => {
    const d = describeAuditEntry(entry({ action: 'member.erased', subjectType: 'member', subjectId: 'wxid_abc', detail: { messages: 3, suggestions: 1, memberships: 2 } }))
    expect(d).toMatchObject({ actionLabel: '删除个人数据', subjectLabel: '成员 wxid_abc', detailLines: [['消息', '3'], ['待办', '1'], ['群成员关系', '2']] })
  })

  it('names the bot and the scheduled jobs, and roles, in Chinese; a person stays as named', () => {
    expect(describeAuditEntry(entry({ actor: 'bot', action: 'slot.asked' })).actorLabel).toBe('机器人')
    expect(describeAuditEntry(entry({ actor: 'system', detail: { role: 'admin' } }))).toMatchObject({ actorLabel: '系统', detailLines: [['角色', '管理员']] })
    expect(describeAuditEntry(entry({ actor: '小王', detail: { role: 'toString' } }))).toMatchObject({ actorLabel: '小王', detailLines: [['角色', 'toString']] })
  })

  it('numbers a numeric subject, shows nested values inline and booleans as 是/否', () => {
    const d = describeAuditEntry(entry({ action: 'setting.changed', subjectType: 'knowledge', subjectId: '12', detail: { before: { suggest: 0.5, autoSend: null }, wasRequired: true, list: ['a', 'b'] } }))
    expect(d.subjectLabel).toBe('知识库 #12')
    expect(d.detailLines).toEqual([['之前', '建议阈值 0.5，自动发送阈值 —'], ['按要求修改', '是'], ['list', 'a、b']])
  })

  it('shows an action or subject it does not know as stored, and survives prototype names', () => {
    const d = describeAuditEntry(entry({ action: 'constructor', subjectType: '__proto__', subjectId: 'toString', detail: { constructor: 'x', __proto__: 1 } }))
    expect(d.actionLabel).toBe('constructor')
    expect(d.subjectLabel).toBe('__proto__ toString')
    expect(d.detailLines).toContainEqual(['constructor', 'x'])
  })

  it('cuts a long edited reply so the row stays readable', () => {
    const [[, text]] = auditDetailLines({ text: '很'.repeat(500) }) as [[string, string]]
    expect([...text]).toHaveLength(161)
    expect(text.endsWith('…')).toBe(true)
  })

  it('turns any stored detail into short labelled lines without throwing', () => {
    fc.assert(fc.property(fc.jsonValue(), (detail) => {
      const lines = auditDetailLines(detail)
      for (const [label, text] of lines) {
        expect(typeof label).toBe('string')
        expect([...text].length).toBeLessThanOrEqual(161)
      }
      if (detail !== null && typeof detail === 'object' && !Array.isArray(detail)) expect(lines).toHaveLength(Object.keys(detail).length)
    }), { numRuns: 300 })
  })
})
