import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { formatProblem, loadRules, MAX_RULES_FILE_BYTES } from '../../../src/tagging/load-rules.js'
import type { LoadRulesResult, RuleProblem } from '../../../src/tagging/load-rules.js'
import { scheduleProblem } from '../../../src/tagging/validate-schedule.js'

const fixture = (name: string) => join('test/fixtures/rules', name)

/** Problems as the operator sees them, without the hint. */
function lines(list: RuleProblem[]): string[] {
  return list.map((p) => `${p.line > 0 ? `${p.file}:${p.line}` : p.file}: ${p.message}`)
}

function problemsOf(result: LoadRulesResult): RuleProblem[] {
  if (result.ok) throw new Error(`expected problems, got ${result.rules.tags.length} rules`)
  return result.problems
}

describe('loadRules', () => {
  it('loads *.yaml and *.yml in name order, ignoring README.md and other files', async () => {
    const result = await loadRules(fixture('valid'))
    if (!result.ok) throw new Error(result.problems.map(formatProblem).join('\n'))
    const { rules, warnings } = result
    expect(warnings).toEqual([])
    expect(rules.files).toEqual([fixture('valid/activity.yaml'), fixture('valid/value.yml')])
    expect(rules.tags.map((t) => [t.id, t.source.line, t.when])).toEqual([
      ['新成员', 2, 'join_age_days < 7'],
      ['活跃', 4, 'active_days_30d >= 4 || messages_7d >= 5'],
      ['沉默', 6, 'messages_30d == 0 and join_age_days >= 30'],
      ['高净值VIP', 3, 'monthly_spend > 5000 and return_rate < 0.05'],
      ['重点维护', 6, "has_tag('高净值VIP') and not has_tag('黑名单') and has_tag('活跃')"],
    ])
    expect(rules.tags[3]).toMatchObject({ description: '月消费过五千且很少退货', source: { file: fixture('valid/value.yml') } })
    expect(rules.lifecycle).toEqual(['新成员', '活跃', '沉默'])
    expect(rules.schedule).toBe('0 3 * * *')
    expect(rules.manualTags).toEqual(['黑名单', '老客户'])
    expect(rules.actions).toEqual([
      { on: 'tag_added', tag: '新成员', suggest: '{{name}}，欢迎加入！有问题随时@我。', autoSend: false, notifyAgents: false, cooldownDays: 30, source: { file: fixture('valid/value.yml'), line: 10 } },
      { on: 'tag_removed', tag: '高净值VIP', autoSend: false, notifyAgents: true, cooldownDays: 7, source: { file: fixture('valid/value.yml'), line: 13 } },
    ])
  })

  it('flags a missing folder as missing (tagging off), unlike a broken one', async () => {
    const result = await loadRules(fixture('does-not-exist'))
    expect(result).toMatchObject({ ok: false, missing: true })
    expect(lines(problemsOf(result))).toEqual([`${fixture('does-not-exist')}: rules folder not found`])
    expect(await loadRules(fixture('empty'))).toMatchObject({ ok: false, missing: false })
  })

  it.each([
    ['empty', [`${fixture('empty')}: rules folder has no *.yaml files`]],
    ['a file instead of a folder', [`${fixture('valid/activity.yaml')}: rules path is not a folder`], fixture('valid/activity.yaml')],
    ['malformed', [`${fixture('malformed/broken.yaml')}:6: YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ]`]],
    ['evil', [
      `${fixture('evil/alias-bomb.yaml')}: YAML uses too many aliases (Excessive alias count indicates a resource exhaustion attack)`,
      `${fixture('evil/hostile-expressions.yaml')}:3: tags[0].when: expression is nested too deeply (more than 32 levels) at column 33`,
      `${fixture('evil/hostile-expressions.yaml')}:5: tags[1].when: expression is too long (826 characters, limit 500) at column 501`,
      `${fixture('evil/hostile-expressions.yaml')}:7: tags[2].when: unexpected "." at column 8`,
      `${fixture('evil/hostile-expressions.yaml')}:9: tags[3].when: unknown metric "__proto__" at column 1`,
    ]],
    ['duplicate-id', [`${fixture('duplicate-id/b.yaml')}:4: tag id "新成员" is already used at ${fixture('duplicate-id/a.yaml')}:2`]],
    ['unknown-metric', [
      `${fixture('unknown-metric/lifecycle.yaml')}:7: tags[2].when: unknown metric "mesages_30d" at column 1`,
      `${fixture('unknown-metric/lifecycle.yaml')}:9: tags[3].when: unknown metric "vip_level" at column 49`,
      `${fixture('unknown-metric/lifecycle.yaml')}:11: tags[4].when: cannot compare a number with text at column 17`,
    ]],
    ['bad-lifecycle', [
      `${fixture('bad-lifecycle/more.yaml')}:1: lifecycle is already set at ${fixture('bad-lifecycle/lifecycle.yaml')}:6`,
      `${fixture('bad-lifecycle/lifecycle.yaml')}:6: lifecycle stage "活越" is not a tag`,
      `${fixture('bad-lifecycle/lifecycle.yaml')}:6: lifecycle stage "流失预警" is not a tag`,
    ]],
    ['bad-schedule', [
      `${fixture('bad-schedule/too-few.yaml')}:1: schedule is already set at ${fixture('bad-schedule/schedule.yaml')}:4`,
      `${fixture('bad-schedule/schedule.yaml')}:4: schedule "0 25 * * *": hour "25" is not valid`,
    ]],
    ['forward-ref', [
      `${fixture('forward-ref/rules.yaml')}:4: tags[0].when: has_tag('高净值VIP') at column 1 reads a tag defined later (${fixture('forward-ref/rules.yaml')}:5)`,
      `${fixture('forward-ref/rules.yaml')}:8: tags[2].when: has_tag('自己') at column 1 reads the tag it defines`,
      `${fixture('forward-ref/rules.yaml')}:10: tags[3].when: has_tag('黑明单') at column 1 names no rule tag and no manual tag`,
    ]],
    ['bad-actions', [
      `${fixture('bad-actions/actions.yaml')}:5: actions[0].on must be tag_added or tag_removed, got "tag_add"`,
      `${fixture('bad-actions/actions.yaml')}:10: actions[1].suggest uses unknown placeholder {{nmae}}`,
      `${fixture('bad-actions/actions.yaml')}:11: actions[1].cooldown_days must be a whole number from 0 to 3650, got number -1`,
      `${fixture('bad-actions/actions.yaml')}:14: actions[2].auto_send must be true or false, got "yes"`,
      `${fixture('bad-actions/actions.yaml')}:12: actions[2] does nothing`,
      `${fixture('bad-actions/actions.yaml')}:15: actions[3] does nothing`,
    ]],
  ])('reports %s with file:line', async (name, expected, dir = fixture(name)) => {
    const problems = problemsOf(await loadRules(dir))
    expect(lines(problems)).toEqual(expected)
    for (const problem of problems) expect(problem.hint).not.toBe('')
  })

  it('folds the column into the message and the did-you-mean into the hint', async () => {
    const problems = problemsOf(await loadRules(fixture('unknown-metric')))
    expect(formatProblem(problems[0]!)).toBe(`${fixture('unknown-metric/lifecycle.yaml')}:7: tags[2].when: unknown metric "mesages_30d" at column 1 — did you mean "messages_30d"?`)
    const lifecycle = problemsOf(await loadRules(fixture('bad-lifecycle')))
    expect(lifecycle[1]?.hint).toBe('did you mean "活跃"?')
  })

  describe('with a temporary folder', () => {
    let dir = ''
    afterEach(async () => {
      if (dir) await rm(dir, { recursive: true, force: true })
      dir = ''
    })
    const write = async (files: Record<string, string>) => {
      dir = await mkdtemp(join(tmpdir(), 'qundesk-rules-'))
      for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text)
      return dir
    }

    it('refuses files over 1 MB without parsing them', async () => {
      await write({ 'big.yaml': `# ${'x'.repeat(MAX_RULES_FILE_BYTES)}\n` })
      expect(lines(problemsOf(await loadRules(dir)))).toEqual([`${join(dir, 'big.yaml')}: file is too large (${MAX_RULES_FILE_BYTES + 3} bytes, limit ${MAX_RULES_FILE_BYTES})`])
    })

    it('reports rules without any tag', async () => {
      await write({ 'a.yaml': '' , 'b.yaml': 'schedule: "0 3 * * *"\n' })
      expect(lines(problemsOf(await loadRules(dir)))).toEqual([`${dir}: rules define no tags`])
    })

    it('warns about unknown keys and an undeclared has_tag() name, and still loads', async () => {
      await write({ 'a.yaml': "tags:\n  - id: 重点\n    when: has_tag('VIP')\n    whn: x\nlifecyle: [重点]\n" })
      const result = await loadRules(dir)
      if (!result.ok) throw new Error(result.problems.map(formatProblem).join('\n'))
      expect(lines(result.warnings)).toEqual([
        `${join(dir, 'a.yaml')}:4: tags[0] has unknown key "whn", which is ignored`,
        `${join(dir, 'a.yaml')}:5: unknown top-level key "lifecyle" is ignored`,
        `${join(dir, 'a.yaml')}:3: tags[0].when: has_tag('VIP') at column 1 names no rule tag; it is read as a manual tag set by agents`,
      ])
      expect(result.warnings.map((w) => w.hint)).toEqual(['did you mean "when"?', 'did you mean "lifecycle"?', 'declare it under `manual_tags:` so typos are caught'])
    })

    it.each([
      ['when is not text', 'tags:\n  - id: a\n    when: true\n', ':3: tags[0].when must be a condition, got boolean true'],
      ['no when', 'tags:\n  - id: a\n', ':2: tags[0] has no when'],
      ['id with spaces', 'tags:\n  - id: 新 成员\n    when: in_group\n', ':2: tags[0].id "新 成员" contains spaces'],
      ['tags not a list', 'tags: 新成员\n', ':1: tags is not a list'],
      ['action for an unknown tag', 'tags:\n  - id: 新成员\n    when: in_group\nactions:\n  - on: tag_added\n    tag: 新人\n    notify_agents: true\n', ':6: actions[0].tag "新人" is not a rule tag'],
      ['auto_send without suggest', 'tags:\n  - id: a\n    when: in_group\nactions:\n  - on: tag_added\n    tag: a\n    auto_send: true\n    notify_agents: true\n', ':7: actions[0].auto_send needs suggest'],
      ['a manual tag that is also a rule tag', 'manual_tags: [a]\ntags:\n  - id: a\n    when: in_group\n', ':1: manual tag "a" is also a rule tag (FILE:3)'],
    ])('%s', async (_name, text, expected) => {
      await write({ 'a.yaml': text })
      const file = join(dir, 'a.yaml')
      expect(lines(problemsOf(await loadRules(dir)))).toEqual([`${file}${expected.replace('FILE', file)}`])
    })
  })
})

describe('scheduleProblem', () => {
  it.each([
    ['0 3 * * *', undefined],
    ['*/15 9-18 * * 1-5', undefined],
    ['0 0 3 * * *', undefined],
    ['0 3 * *', 'schedule "0 3 * *" has 4 fields, expected 5 or 6'],
    ['daily', 'schedule "daily" has 1 field, expected 5 or 6'],
    ['0 0 32 * *', 'schedule "0 0 32 * *": day of month "32" is not valid'],
    ['0 3 * * 8', 'schedule "0 3 * * 8": day of week "8" is not valid'],
  ])('%s', (expression, expected) => {
    expect(scheduleProblem(expression)?.message).toBe(expected)
  })
})
