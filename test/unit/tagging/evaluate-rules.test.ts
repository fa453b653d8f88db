import { describe, expect, it } from 'vitest'
import { evaluateRules } from '../../../src/tagging/evaluate-rules.js'
import { loadRules } from '../../../src/tagging/load-rules.js'
import type { MemberFacts } from '../../../src/tagging/member-facts.js'
import type { RuleSet } from '../../../src/tagging/rule-set.js'

async function fixtureRules(): Promise<RuleSet> {
  const result = await loadRules('test/fixtures/rules/valid')
  if (!result.ok) throw new Error('fixture should load')
  return result.rules
}

describe('evaluateRules', () => {
  it.each<[string, MemberFacts, string[], string | null]>([
    ['新来的活跃客户: lifecycle takes the first listed stage', { metrics: { join_age_days: 2, active_days_30d: 2, messages_7d: 9, messages_30d: 9 } }, ['新成员', '活跃'], '新成员'],
    ['老成员不说话', { metrics: { join_age_days: 90, messages_30d: 0, messages_7d: 0, active_days_30d: 0 } }, ['沉默'], '沉默'],
    ['高净值且活跃 → 重点维护 reads tags computed earlier in the run', { metrics: { join_age_days: 90, active_days_30d: 10, messages_30d: 40, monthly_spend: 8000, return_rate: 0.01 } }, ['活跃', '高净值VIP', '重点维护'], '活跃'],
    ['黑名单 (manual tag) blocks 重点维护', { metrics: { join_age_days: 90, active_days_30d: 10, monthly_spend: 8000, return_rate: 0.01 }, tags: ['黑名单'] }, ['活跃', '高净值VIP'], '活跃'],
    ['没有订单数据: VIP rule is false, not an error', { metrics: { join_age_days: 20, messages_30d: 1, active_days_30d: 1 } }, [], null],
  ])('%s', async (_name, facts, tags, lifecycle) => {
    const result = evaluateRules(await fixtureRules(), facts)
    expect(result.tags).toEqual(tags)
    expect(result.lifecycle).toBe(lifecycle)
  })

  it('ignores a stale stored copy of a rule tag: rule tags are recomputed', async () => {
    const result = evaluateRules(await fixtureRules(), { metrics: { join_age_days: 90, active_days_30d: 10 }, tags: ['高净值VIP'] })
    expect(result.tags).toEqual(['活跃'])
  })

  it('explains every rule with what it read', async () => {
    const result = evaluateRules(await fixtureRules(), { metrics: { join_age_days: 3, active_days_30d: 1, messages_7d: 1 } })
    expect(result.explanations).toEqual([
      { tagId: '新成员', value: true, seen: { join_age_days: 3 } },
      { tagId: '活跃', value: false, seen: { active_days_30d: 1, messages_7d: 1 } },
      { tagId: '沉默', value: false, seen: { messages_30d: null, join_age_days: 3 } },
      { tagId: '高净值VIP', value: false, seen: { monthly_spend: null, return_rate: null } },
      { tagId: '重点维护', value: false, seen: { "has_tag('高净值VIP')": false, "has_tag('黑名单')": false, "has_tag('活跃')": false } },
    ])
  })
})
