import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { formatProblem, loadRules, MAX_RULES_FILE_BYTES } from '../../../src/tagging/load-rules.js'
import type { LoadRulesResult, RuleProblem } from '../../../src/tagging/load-rules.js'
import { scheduleProblem } from '../../../src/tagging/validate-schedule.js'
import { englishRun } from '../../support/english-run.js'

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
    expect(lines(problemsOf(result))).toEqual([`${fixture('does-not-exist')}: 找不到规则文件夹`])
    expect(await loadRules(fixture('empty'))).toMatchObject({ ok: false, missing: false })
  })

  it.each([
    ['empty', [`${fixture('empty')}: 规则文件夹里没有 *.yaml 文件`]],
    ['a file instead of a folder', [`${fixture('valid/activity.yaml')}: 规则路径不是文件夹`], fixture('valid/activity.yaml')],
    ['malformed', [`${fixture('malformed/broken.yaml')}:6: YAML 语法错误：[ … ] 列表没有用 ] 结束，或缩进不够`]],
    ['evil', [
      `${fixture('evil/alias-bomb.yaml')}: YAML 用了太多别名（*）：展开后超出上限，像是“别名炸弹”`,
      `${fixture('evil/hostile-expressions.yaml')}:3: tags[0].when: 条件嵌套太深（超过 32 层）（第 33 列）`,
      `${fixture('evil/hostile-expressions.yaml')}:5: tags[1].when: 条件太长（826 个字符，上限 500）（第 501 列）`,
      `${fixture('evil/hostile-expressions.yaml')}:7: tags[2].when: 这里不应出现 "."（第 8 列）`,
      `${fixture('evil/hostile-expressions.yaml')}:9: tags[3].when: 不认识的指标 "__proto__"（第 1 列）`,
    ]],
    ['duplicate-id', [`${fixture('duplicate-id/b.yaml')}:4: 标签 id "新成员" 已在 ${fixture('duplicate-id/a.yaml')}:2 用过`]],
    ['unknown-metric', [
      `${fixture('unknown-metric/lifecycle.yaml')}:7: tags[2].when: 不认识的指标 "mesages_30d"（第 1 列）`,
      `${fixture('unknown-metric/lifecycle.yaml')}:9: tags[3].when: 不认识的指标 "vip_level"（第 49 列）`,
      `${fixture('unknown-metric/lifecycle.yaml')}:11: tags[4].when: 不能拿数字和文字比较（第 17 列）`,
    ]],
    ['bad-lifecycle', [
      `${fixture('bad-lifecycle/more.yaml')}:1: lifecycle 已在 ${fixture('bad-lifecycle/lifecycle.yaml')}:6 写过`,
      `${fixture('bad-lifecycle/lifecycle.yaml')}:6: lifecycle 阶段 "活越" 不是标签`,
      `${fixture('bad-lifecycle/lifecycle.yaml')}:6: lifecycle 阶段 "流失预警" 不是标签`,
    ]],
    ['bad-schedule', [
      `${fixture('bad-schedule/too-few.yaml')}:1: schedule 已在 ${fixture('bad-schedule/schedule.yaml')}:4 写过`,
      `${fixture('bad-schedule/schedule.yaml')}:4: schedule "0 25 * * *"：时字段 "25" 无效`,
    ]],
    ['forward-ref', [
      `${fixture('forward-ref/rules.yaml')}:4: tags[0].when: 第 1 列的 has_tag('高净值VIP') 读的标签定义在后面（${fixture('forward-ref/rules.yaml')}:5）`,
      `${fixture('forward-ref/rules.yaml')}:8: tags[2].when: 第 1 列的 has_tag('自己') 读的是这条规则自己定义的标签`,
      `${fixture('forward-ref/rules.yaml')}:10: tags[3].when: 第 1 列的 has_tag('黑明单') 既不是规则标签，也不是手动标签`,
    ]],
    ['bad-actions', [
      `${fixture('bad-actions/actions.yaml')}:5: actions[0].on 只能是 tag_added 或 tag_removed，现在是 "tag_add"`,
      `${fixture('bad-actions/actions.yaml')}:10: actions[1].suggest 用了不认识的占位符 {{nmae}}`,
      `${fixture('bad-actions/actions.yaml')}:11: actions[1].cooldown_days 必须是 0 到 3650 之间的整数，现在是 数字 -1`,
      `${fixture('bad-actions/actions.yaml')}:14: actions[2].auto_send 只能是 true 或 false，现在是 "yes"`,
      `${fixture('bad-actions/actions.yaml')}:12: actions[2] 什么也不做`,
      `${fixture('bad-actions/actions.yaml')}:15: actions[3] 什么也不做`,
    ]],
  ])('reports %s with file:line', async (name, expected, dir = fixture(name)) => {
    const problems = problemsOf(await loadRules(dir))
    expect(lines(problems)).toEqual(expected)
    for (const problem of problems) expect(problem.hint).not.toBe('')
  })

  it('folds the column into the message and the did-you-mean into the hint', async () => {
    const problems = problemsOf(await loadRules(fixture('unknown-metric')))
    expect(formatProblem(problems[0]!)).toBe(`${fixture('unknown-metric/lifecycle.yaml')}:7: tags[2].when: 不认识的指标 "mesages_30d"（第 1 列） — 你是不是想写 “messages_30d”？`)
    const lifecycle = problemsOf(await loadRules(fixture('bad-lifecycle')))
    expect(lifecycle[1]?.hint).toBe('你是不是想写 “活跃”？')
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
      expect(lines(problemsOf(await loadRules(dir)))).toEqual([`${join(dir, 'big.yaml')}: 文件太大（${MAX_RULES_FILE_BYTES + 3} 字节，上限 ${MAX_RULES_FILE_BYTES} 字节）`])
    })

    it('reports rules without any tag', async () => {
      await write({ 'a.yaml': '' , 'b.yaml': 'schedule: "0 3 * * *"\n' })
      expect(lines(problemsOf(await loadRules(dir)))).toEqual([`${dir}: 规则里没有定义任何标签`])
    })

    it('warns about unknown keys and an undeclared has_tag() name, and still loads', async () => {
      await write({ 'a.yaml': "tags:\n  - id: 重点\n    when: has_tag('VIP')\n    whn: x\nlifecyle: [重点]\n" })
      const result = await loadRules(dir)
      if (!result.ok) throw new Error(result.problems.map(formatProblem).join('\n'))
      expect(lines(result.warnings)).toEqual([
        `${join(dir, 'a.yaml')}:4: tags[0] 有不认识的键 "whn"，已忽略`,
        `${join(dir, 'a.yaml')}:5: 不认识顶层键 "lifecyle"，已忽略`,
        `${join(dir, 'a.yaml')}:3: tags[0].when: 第 1 列的 has_tag('VIP') 不是规则标签，按客服手动设置的标签读取`,
      ])
      expect(result.warnings.map((w) => w.hint)).toEqual(['你是不是想写 “when”？', '你是不是想写 “lifecycle”？', '在 `manual_tags:` 下声明它，拼错时才能被发现'])
    })

    it.each([
      ['when is not text', 'tags:\n  - id: a\n    when: true\n', ':3: tags[0].when 必须是条件，现在是 布尔值 true'],
      ['no when', 'tags:\n  - id: a\n', ':2: tags[0] 缺少 when'],
      ['id with spaces', 'tags:\n  - id: 新 成员\n    when: in_group\n', ':2: tags[0].id "新 成员" 含有空格'],
      ['tags not a list', 'tags: 新成员\n', ':1: tags 不是列表'],
      ['action for an unknown tag', 'tags:\n  - id: 新成员\n    when: in_group\nactions:\n  - on: tag_added\n    tag: 新人\n    notify_agents: true\n', ':6: actions[0].tag "新人" 不是规则标签'],
      ['auto_send without suggest', 'tags:\n  - id: a\n    when: in_group\nactions:\n  - on: tag_added\n    tag: a\n    auto_send: true\n    notify_agents: true\n', ':7: actions[0].auto_send 需要 suggest'],
      ['a manual tag that is also a rule tag', 'manual_tags: [a]\ntags:\n  - id: a\n    when: in_group\n', ':1: 手动标签 "a" 也是规则标签（FILE:3）'],
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
    ['0 3 * *', 'schedule "0 3 * *" 有 4 个字段，应为 5 或 6 个'],
    ['daily', 'schedule "daily" 有 1 个字段，应为 5 或 6 个'],
    ['0 0 32 * *', 'schedule "0 0 32 * *"：日字段 "32" 无效'],
    ['0 3 * * 8', 'schedule "0 3 * * 8"：星期字段 "8" 无效'],
  ])('%s', (expression, expected) => {
    expect(scheduleProblem(expression)?.message).toBe(expected)
  })
})

describe('rules problems and warnings are in Chinese', () => {
  /** Texts that reach every reader's messages: tags, actions, lifecycle / manual_tags, schedule, expressions. */
  const BROKEN = [
    'tags:\n  - id: 12\n    when: x\n  - id: a b\n  - when: true\n  - x\n  - id: "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一"\n    when: in_group\n    description: [x]\n    whn: 1\nactions:\n  - on: tag_add\n    tag: 3\n    suggest: "{{nmae}}"\n    auto_send: yes\n    cooldown_days: -1\n  - on: tag_added\n    tag: a\n  - x\nlifecycle: []\nmanual_tags: [a, a, 3]\nschedule: 3\nlifecyle: 1\nzzz: 2\n',
    'tags: x\nactions: 3\n',
    'tags:\nactions:\n',
    ...['messages_30d > 0)', '(messages_30d > 0', 'messages_30d >', 'messages_30d = 0', 'a & b', 'a | b', 'messages_30d ＞ 0', 'has_tag(新成员)', "has_tag('VIP", 'return_rate < 5%',
      'return_rate < .5', '1 < x < 5', 'AND', 'join_scene in 1', 'join_scene in [1, x]', 'join_scene in []', 'join_scene in [1', "hastag('VIP')", "eval('1')", 'has_tag(VIP)',
      "asked('logi*stics')", "asked('a b')", "asked('')", "has_tag('')", 'mesages_30d == 0', 'vip_level > 3', 'has_tag', "messages_30d == 'abc'", 'messages_30d and in_group',
      'in_group + 1 > 0', "'a' < 'b'", 'orders > null', 'not orders', '-in_group', "join_scene in [1, 'x']", 'null in [1]', 'null == null', 'messages_30d + 1', '1.x', '12abc',
      '1'.repeat(30), `${'('.repeat(40)}in_group${')'.repeat(40)}`, `in_group${' '.repeat(600)}`, 'process.exit(1)', '@']
      .map((when) => `tags:\n  - id: t\n    when: ${JSON.stringify(when)}\n`),
    ...['0 3 * *', '0 25 * * *', '61 * * * *', '0 0 32 * *', '0 0 * 13 *', '0 3 * * 8', '61 0 3 * * *', 'daily'].map((cron) => `schedule: "${cron}"\ntags:\n  - id: t\n    when: in_group\n`),
  ]

  it('no message or hint holds an English sentence, over the fixtures and broken folders', async () => {
    const found: RuleProblem[] = []
    for (const name of ['bad-actions', 'bad-lifecycle', 'bad-schedule', 'duplicate-id', 'empty', 'evil', 'forward-ref', 'malformed', 'unknown-metric', 'does-not-exist', 'valid/activity.yaml']) {
      const result = await loadRules(fixture(name))
      found.push(...(result.ok ? result.warnings : result.problems))
    }
    const dir = await mkdtemp(join(tmpdir(), 'qundesk-rules-zh-'))
    try {
      for (const [i, text] of BROKEN.entries()) {
        await writeFile(join(dir, 'a.yaml'), text)
        // Cross-file checks too: a second file repeats sections, reads undefined tags and acts on unknown ones.
        await writeFile(join(dir, 'b.yaml'), 'schedule: "0 3 * * *"\nlifecycle: [不存在]\nmanual_tags: [t2]\ntags:\n  - id: t2\n    when: "has_tag(\'x\') or has_tag(\'t2\')"\nactions:\n  - on: tag_added\n    tag: 新人\n    notify_agents: true\n')
        const result = await loadRules(dir)
        found.push(...(result.ok ? result.warnings : result.problems).map((p) => ({ ...p, file: `broken-${i}/${p.file}` })))
      }
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
    const english = found.map((p) => ({ text: formatProblem(p), english: englishRun(p.message) ?? englishRun(p.hint) })).filter((x) => x.english !== undefined)
    expect(english).toEqual([])
    expect(found.length).toBeGreaterThan(80)
  })
})
