import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { evaluateRules, tagMember } from '../../../src/tagging/evaluate-rules.js'
import { compilePredicate } from '../../../src/tagging/expression/compile-predicate.js'
import { evaluate } from '../../../src/tagging/expression/evaluate-expression.js'
import { parseExpression } from '../../../src/tagging/expression/parse-expression.js'
import { loadRules } from '../../../src/tagging/load-rules.js'
import type { MemberFacts } from '../../../src/tagging/member-facts.js'
import { METRIC_NAMES, METRICS, type MetricValue } from '../../../src/tagging/metrics.js'

/** Deterministic PRNG (mulberry32): the same cases on every run, so a failure can be replayed. */
function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function randomFacts(next: () => number): MemberFacts {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!
  const metrics: Record<string, MetricValue | undefined> = {}
  for (const name of METRIC_NAMES) {
    const roll = next()
    if (roll < 0.1) metrics[name] = null
    else if (roll < 0.13) metrics[name] = undefined
    else if (roll < 0.15) metrics[name] = pick([Number.NaN, Number.POSITIVE_INFINITY, 'x', true] as const)
    else if (METRICS[name].type === 'boolean') metrics[name] = next() < 0.5
    else metrics[name] = pick([0, 1, 3, 5, 6, 7, 29, 30, 31, 0.05, 0.049, 5000, 5001, Math.floor(next() * 100), -1])
  }
  return {
    metrics: metrics as MemberFacts['metrics'],
    tags: ['VIP', '黑名单', '老客户', '新成员'].filter(() => next() < 0.3),
    questionsByIntent: { 'logistics.track': Math.floor(next() * 4), 'refund.apply': Math.floor(next() * 3), 'logistics.urge': next() < 0.1 ? Number.NaN : 1 },
  }
}

const EXPRESSIONS = [
  'join_age_days < 7 and not join_time_estimated',
  'messages_30d < messages_prev_30d * 0.3 and messages_prev_30d >= 5',
  'monthly_spend > 5000 and return_rate < 0.05',
  'last_purchase_days == null or last_purchase_days != null and rfm_r >= 4',
  'not (messages_7d + mentions_7d - 1 >= 3) || in_group && !has_tag(\'黑名单\')',
  'join_scene in [1, 3] or join_scene == null',
  'messages_30d / messages_90d > 0.5',
  'messages_30d / 0 == null',
  '-messages_7d < -2',
  "asked('logistics.*') >= 2 or asked('*') > 3 or asked('refund.apply') == 1",
  'null == null and (true or false) and not null',
  '(join_time_estimated == true) != false',
  "has_tag('VIP') == has_tag('老客户')",
]

describe('compilePredicate', () => {
  it('agrees with evaluate() on 20,000 random members for every operator and the null rules', () => {
    const next = random(20261123)
    const compiled = EXPRESSIONS.map((text) => ({ text, ast: parseExpression(text), predicate: compilePredicate(parseExpression(text)) }))
    let checked = 0
    for (let i = 0; i < 20_000; i++) {
      const facts = randomFacts(next)
      const view = { metrics: facts.metrics, tags: new Set(facts.tags), questionsByIntent: facts.questionsByIntent ?? {} }
      for (const { text, ast, predicate } of compiled) {
        const expected = evaluate(ast, facts).value
        if (predicate(view) !== expected) throw new Error(`"${text}" disagrees on ${JSON.stringify(facts)}: evaluate=${expected}`)
        checked++
      }
    }
    expect(checked).toBe(20_000 * EXPRESSIONS.length)
  })

  it('tagMember gives the same tags and lifecycle as evaluateRules for the shipped and test rules', async () => {
    for (const dir of [path.join(import.meta.dirname, '../../../rules'), path.join(import.meta.dirname, '../../fixtures/rules/valid'), path.join(import.meta.dirname, '../../fixtures/rules/lifecycle-actions')]) {
      const loaded = await loadRules(dir)
      if (!loaded.ok) throw new Error(dir)
      const next = random(7)
      for (let i = 0; i < 5_000; i++) {
        const facts = randomFacts(next)
        const full = evaluateRules(loaded.rules, facts)
        expect(tagMember(loaded.rules, facts)).toEqual({ tags: full.tags, lifecycle: full.lifecycle })
      }
    }
  })
})
