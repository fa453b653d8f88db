import { describe, expect, it } from 'vitest'
import { toMemberExport } from '../../../src/privacy/member-export.js'
import type { MemberData } from '../../../src/storage/member-data.repository.js'

const empty: MemberData = { memberships: [], messages: [], suggestions: [], tags: [], tagHistory: [], attributes: undefined, slotRequests: [], tagActions: [], outbox: [], audit: [], media: [] }
const at = '2026-11-23T08:00:00.000Z'

describe('toMemberExport', () => {
  it('names fields in camelCase, parses the JSON columns and leaves out the audit chain hashes', () => {
    const data: MemberData = {
      ...empty,
      tagHistory: [{ id: 1, group_id: 'g1', member_id: 'wxid_a', tag: '活跃', change: 'added', source: 'rule', at, by: 'rules.yaml:3', seen: '{"messages_7d":5}' }],
      slotRequests: [{
        id: 2, message_id: 'm1', group_id: 'g1', member_id: 'wxid_a', intent_id: 'logistics.urge', question: '催发货', slots: '["order_id"]',
        asked_at: at, expires_at: at, status: 'filled', filled_by_message_id: 'm2', match_score: 0.7, match_confident: 1, answer_text: '订单号 DD20261123001',
      }],
      audit: [{ id: 3, at, actor: '小王', action: 'member.tag_added', subject_type: 'member', subject_id: 'wxid_a', detail: '{"tag":"老客户"}', prev_hash: 'a'.repeat(64), hash: 'b'.repeat(64) }],
    }
    const result = toMemberExport('wxid_a', data, new Date(at))
    expect(result).toMatchObject({ format: 'qundesk.member-export.v1', exportedAt: at, memberId: 'wxid_a', attributes: null })
    expect(result.tagHistory).toEqual([{ id: 1, groupId: 'g1', memberId: 'wxid_a', tag: '活跃', change: 'added', source: 'rule', at, by: 'rules.yaml:3', seen: { messages_7d: 5 } }])
    expect(result.slotRequests[0]).toMatchObject({ slots: ['order_id'], answerText: '订单号 DD20261123001', filledByMessageId: 'm2' })
    expect(result.audit).toEqual([{ id: 3, at, actor: '小王', action: 'member.tag_added', subjectType: 'member', subjectId: 'wxid_a', detail: { tag: '老客户' } }])
  })

  it('lists every name the person was seen under, once', () => {
    const membership = { group_id: 'g1', member_id: 'wxid_a', channel: 'wechaty', group_name: '群', member_name: '张三', joined_at: at, joined_at_estimated: 0, join_source: 'event', invited_by: null, left_at: null, left_at_estimated: 0, updated_at: at, lifecycle: null, rule_tags: '["新成员"]', tags_changed_at: null, join_scene: null }
    const message = { id: 'm1', channel: 'wechaty', group_id: 'g1', group_name: '群', sender_id: 'wxid_a', text: 'hi', question: 'hi', mentions_bot: 0, from_self: 0, sent_at: at, received_at: at, status: 'handled' as const, handled_at: at, error: null, emotion_severity: null, emotion_score: null, content_purged_at: null, instance_id: null, text_original_length: null }
    const result = toMemberExport('wxid_a', { ...empty, memberships: [membership], messages: [{ ...message, sender_name: '张三' }, { ...message, id: 'm2', sender_name: '小张' }, { ...message, id: 'm3', sender_name: '' }] }, new Date(at))
    expect(result.names).toEqual(['张三', '小张'])
    expect(result.memberships[0]).toMatchObject({ memberName: '张三', ruleTags: ['新成员'] })
  })

  it('keeps a JSON column that does not parse as the text it is', () => {
    const row = { id: 1, group_id: 'g1', member_id: 'wxid_a', tag: 't', change: 'added' as const, source: 'rule' as const, at, by: 'x', seen: 'not json' }
    expect(toMemberExport('wxid_a', { ...empty, tagHistory: [row] }, new Date(at)).tagHistory[0]!.seen).toBe('not json')
  })
})
