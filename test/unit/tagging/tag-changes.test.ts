import { describe, expect, it } from 'vitest'
import type { RulesEvaluation } from '../../../src/tagging/evaluate-rules.js'
import { actionKey, actionsFor, diffTags, fillTemplate, parseStoredTags } from '../../../src/tagging/tag-changes.js'
import type { TagAction } from '../../../src/tagging/rule-set.js'

const evaluation = (tags: string[], lifecycle: string | null = null): Pick<RulesEvaluation, 'tags' | 'lifecycle'> => ({ tags, lifecycle })
const seenOf = (tag: string) => ({ [`${tag}_metric`]: 1 })

describe('diffTags', () => {
  it.each([
    { label: 'never evaluated: everything is added', previous: null, now: ['新成员'], changes: ['added:新成员'] },
    { label: 'nothing changed', previous: ['活跃'], now: ['活跃'], changes: [] },
    { label: 'one added, one removed', previous: ['新成员'], now: ['活跃'], changes: ['added:活跃', 'removed:新成员'] },
    { label: 'a tag whose rule was deleted is removed', previous: ['旧规则'], now: [], changes: ['removed:旧规则'] },
  ])('$label', ({ previous, now, changes }) => {
    const diff = diffTags(previous, null, evaluation(now), seenOf)
    expect(diff.changes.map((c) => `${c.change}:${c.tag}`)).toEqual(changes)
    expect(diff.tags).toEqual(now)
  })

  it('carries the values the rule saw, and notices a lifecycle change on its own', () => {
    const diff = diffTags(['活跃'], '新成员', evaluation(['活跃'], '活跃'), seenOf)
    expect(diff).toMatchObject({ changes: [], lifecycleChanged: true, lifecycle: '活跃' })
    expect(diffTags([], null, evaluation(['沉默']), seenOf).changes[0]?.seen).toEqual({ 沉默_metric: 1 })
  })
})

describe('parseStoredTags', () => {
  it('reads a JSON array and treats anything else as never evaluated', () => {
    expect(parseStoredTags('["a","b"]')).toEqual(['a', 'b'])
    expect(parseStoredTags(null)).toBeNull()
    expect(parseStoredTags('{oops')).toBeNull()
    expect(parseStoredTags('[1]')).toBeNull()
  })
})

describe('actions', () => {
  const action = (over: Partial<TagAction> = {}): TagAction => ({ on: 'tag_added', tag: '新成员', suggest: '欢迎', autoSend: false, notifyAgents: false, cooldownDays: 30, source: { file: 'a.yaml', line: 3 }, ...over })

  it('keys an action by what triggers it and what it does, not where it sits in the file', () => {
    expect(actionKey(action())).toBe(actionKey(action({ source: { file: 'b.yaml', line: 40 }, cooldownDays: 7 })))
    expect(actionKey(action())).not.toBe(actionKey(action({ suggest: '欢迎光临' })))
    expect(actionKey(action())).toMatch(/^tag_added:新成员:[0-9a-f]{12}$/)
  })

  it('picks the actions for a change by tag and direction', () => {
    const rules = { actions: [action(), action({ on: 'tag_removed' }), action({ tag: '沉默' })] }
    expect(actionsFor(rules, { tag: '新成员', change: 'added' })).toEqual([rules.actions[0]])
    expect(actionsFor(rules, { tag: '新成员', change: 'removed' })).toEqual([rules.actions[1]])
  })

  it('fills {{name}} and {{tag}}, with or without spaces inside the braces', () => {
    expect(fillTemplate('{{name}}，欢迎加入「{{ tag }}」', { name: '小李', tag: '新成员' })).toBe('小李，欢迎加入「新成员」')
  })
})
