import { readFile } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import { formatProblem, loadRules } from '../../../src/tagging/load-rules.js'
import { FUNCTION_NAMES } from '../../../src/tagging/expression/functions.js'
import { METRICS, METRIC_NAMES } from '../../../src/tagging/metrics.js'

describe('the shipped rules/ folder', () => {
  it('loads rules/*.yaml without problems or warnings', async () => {
    const result = await loadRules('rules')
    if (!result.ok) throw new Error(result.problems.map(formatProblem).join('\n'))
    expect(result.warnings.map(formatProblem)).toEqual([])
    expect(result.rules.tags.map((t) => t.id)).toEqual(expect.arrayContaining(['新成员', '活跃', '沉默', '流失预警', '高净值VIP', '爱咨询物流']))
    expect(result.rules.lifecycle).toEqual(['新成员', '活跃', '沉默', '流失预警'])
  })

  it('documents every catalogue metric, with its description, in rules/README.md — and no other metric', async () => {
    const readme = await readFile('rules/README.md', 'utf8')
    for (const name of METRIC_NAMES) {
      const row = readme.split('\n').find((line) => line.startsWith(`| \`${name}\` |`))
      expect(row, `rules/README.md has no table row for ${name}`).toBeDefined()
      expect(row).toContain(METRICS[name].description)
    }
    const documented = [...readme.matchAll(/^\| `([a-z0-9_]+)` \| (数字|是\/否|文本)/gm)].map((m) => m[1])
    expect(documented.sort()).toEqual([...METRIC_NAMES].sort())
    for (const fn of FUNCTION_NAMES) expect(readme).toContain(`\`${fn}(`)
  })

  it('keeps rules.schema.json in step with the keys the loader reads', async () => {
    const schema = JSON.parse(await readFile('rules/rules.schema.json', 'utf8')) as {
      $schema: string
      properties: Record<string, unknown>
      $defs: { tag: { properties: Record<string, unknown> }; action: { properties: Record<string, unknown> } }
    }
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema')
    expect(Object.keys(schema.properties).sort()).toEqual(['actions', 'lifecycle', 'manual_tags', 'schedule', 'tags'])
    expect(Object.keys(schema.$defs.tag.properties).sort()).toEqual(['description', 'id', 'when'])
    expect(Object.keys(schema.$defs.action.properties).sort()).toEqual(['auto_send', 'cooldown_days', 'notify_agents', 'on', 'suggest', 'tag'])
  })
})
