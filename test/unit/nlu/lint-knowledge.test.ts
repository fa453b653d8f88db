import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadKnowledge } from '../../../src/knowledge/load-knowledge.js'
import type { KnowledgeBase } from '../../../src/knowledge/knowledge-base.js'
import { findConfusablePairs, lintKnowledge, lintKnowledgeText } from '../../../src/nlu/lint-knowledge.js'
import type { IntentMatcher } from '../../../src/nlu/intent-matcher.js'

const FIXTURES = path.resolve(import.meta.dirname, '../../fixtures/knowledge-lint')
const fileText = (file: string) => fs.readFileSync(file, 'utf8')

async function load(name: string): Promise<KnowledgeBase> {
  const result = await loadKnowledge(path.join(FIXTURES, name))
  if (!result.ok) throw new Error(`fixture ${name} does not load`)
  return result.kb
}

describe('lintKnowledgeText', () => {
  it('finds nothing in valid knowledge', async () => {
    expect(lintKnowledgeText(await load('valid'), { fileText })).toEqual([])
  })

  it('reports an intent with fewer than 3 distinct examples at its line', async () => {
    const [w, ...rest] = lintKnowledgeText(await load('few-examples'), { fileText })
    expect(rest).toEqual([])
    expect(w).toMatchObject({ kind: 'few_examples', line: 9, intentIds: ['service.hours'] })
    expect(w!.message).toContain('只有 2 个不同的例句')
  })

  it('reports a duplicate example (same normalised text) at the repeated line', async () => {
    const warnings = lintKnowledgeText(await load('duplicate'), { fileText })
    expect(warnings).toEqual([expect.objectContaining({ kind: 'duplicate_example', line: 7, examples: ['我的快递到哪了', '请问，我的快递到哪了？'] })])
  })

  it('points at the duplicate\'s own line, not at an earlier example containing its text', async () => {
    const warnings = lintKnowledgeText(await load('duplicate-inside'), { fileText })
    expect(warnings).toEqual([expect.objectContaining({ kind: 'duplicate_example', line: 7, examples: ['请问运费怎么算', '运费怎么算'] })])
  })

  it('reports an example shared by two intents, naming both', async () => {
    const warnings = lintKnowledgeText(await load('shared-example'), { fileText })
    expect(warnings).toEqual([expect.objectContaining({ kind: 'shared_example', line: 14, intentIds: ['logistics.track', 'logistics.ship_time'] })])
  })

  it('reports an unknown placeholder at the answer line, accepting known ones with spaces', async () => {
    const warnings = lintKnowledgeText(await load('unknown-placeholder'), { fileText })
    expect(warnings).toEqual([expect.objectContaining({ kind: 'unknown_placeholder', line: 8, examples: ['{{days}}'] })])
    expect(warnings[0]!.hint).toContain('{{order_id}}')
  })

  it('falls back to the intent line without the file text', async () => {
    const warnings = lintKnowledgeText(await load('unknown-placeholder'))
    expect(warnings[0]!.line).toBe(3)
  })
})

describe('findConfusablePairs', () => {
  it('reports two intents asked in the same words, with the examples that crossed over', async () => {
    const { warnings, heldOut } = await findConfusablePairs(await load('confusable'))
    expect(heldOut).toBe(16)
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatchObject({ kind: 'confusable', intentIds: ['invoice.when', 'invoice.how_long'], line: 3 })
    expect(warnings[0]!.share).toBeGreaterThanOrEqual(0.2)
    expect(warnings[0]!.examples.some((e) => e.startsWith('invoice.how_long: '))).toBe(true)
  })

  it('holds every example out exactly once, each fold trained without its examples', async () => {
    const kb = await load('valid')
    const seen: string[][] = []
    const heldOutOnce = new Set<string>()
    const train = async (fold: KnowledgeBase): Promise<IntentMatcher> => {
      seen.push(fold.intents.flatMap((i) => i.examples))
      return { intentCount: fold.intents.length, match: async (text) => { heldOutOnce.add(text); return [] }, explain: async () => ({ top: [], evidence: [], formula: '' }) }
    }
    const { heldOut, folds, warnings } = await findConfusablePairs(kb, { train, folds: 3 })
    const all = kb.intents.flatMap((i) => i.examples)
    expect(folds).toBe(3)
    expect(heldOut).toBe(all.length)
    expect(heldOutOnce.size).toBe(new Set(all).size)
    for (const trained of seen) expect(trained.length).toBeLessThan(all.length)
    expect(warnings).toEqual([])
  })
})

describe('lintKnowledge', () => {
  it('finds nothing in valid knowledge and says how the confusion was measured', async () => {
    const report = await lintKnowledge(await load('valid'))
    expect(report.warnings).toEqual([])
    expect(report.confusion).toMatchObject({ heldOut: 21, folds: 5 })
    expect(report.confusion.ms).toBeGreaterThan(0)
  })
})
