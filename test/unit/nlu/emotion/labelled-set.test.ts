import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { detectEmotion } from '../../../../src/nlu/emotion/detect-emotion.js'
import { SEVERITY_ORDER, type Severity } from '../../../../src/core/vocabulary.js'

interface Labelled {
  text: string
  label: Severity
}

/**
 * The hand-labelled group messages (test/fixtures/emotion/labelled-messages.json), written before the detector was
 * tuned: even positions are the `tune` half, odd positions the `holdout` half nobody tunes on. Prints precision and
 * recall per level for both halves, and guards against regressions with floors set below today's figures.
 */
const messages: Labelled[] = JSON.parse(readFileSync(new URL('../../../fixtures/emotion/labelled-messages.json', import.meta.url), 'utf8')).messages
const halves = {
  tune: messages.filter((_, i) => i % 2 === 0),
  holdout: messages.filter((_, i) => i % 2 === 1),
}

interface LevelFigures {
  precision: number
  recall: number
  support: number
}

function evaluate(set: Labelled[]) {
  const predicted = set.map((m) => detectEmotion(m.text).severity)
  const levels = Object.fromEntries(
    SEVERITY_ORDER.map((level): [Severity, LevelFigures] => {
      const tp = set.filter((m, i) => m.label === level && predicted[i] === level).length
      const predictedCount = predicted.filter((p) => p === level).length
      const support = set.filter((m) => m.label === level).length
      return [level, { precision: predictedCount === 0 ? 1 : tp / predictedCount, recall: support === 0 ? 1 : tp / support, support }]
    }),
  ) as Record<Severity, LevelFigures>
  const exact = set.filter((m, i) => predicted[i] === m.label).length / set.length
  // Off by more than one level (none read as moderate, mild read as severe, …): the mistakes that hurt.
  const rank = (s: Severity) => SEVERITY_ORDER.indexOf(s)
  const farOff = set.filter((m, i) => Math.abs(rank(predicted[i]!) - rank(m.label)) > 1).length / set.length
  const misses = set.flatMap((m, i) => (predicted[i] === m.label ? [] : [`${m.text} → ${predicted[i]} (labelled ${m.label})`]))
  return { levels, exact, farOff, misses }
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`.padStart(6)

function report(name: string, set: Labelled[], result: ReturnType<typeof evaluate>): string {
  const lines = [`emotion, ${name} half (${set.length} messages): exact ${pct(result.exact)}, off by 2+ levels ${pct(result.farOff)}`]
  for (const level of SEVERITY_ORDER) {
    const f = result.levels[level]
    lines.push(`  ${level.padEnd(8)} precision ${pct(f.precision)}  recall ${pct(f.recall)}  (n=${f.support})`)
  }
  return lines.join('\n')
}

describe('detectEmotion on the labelled group messages', () => {
  it('has a large enough, balanced set', () => {
    expect(messages.length).toBeGreaterThanOrEqual(150)
    for (const level of SEVERITY_ORDER) expect(messages.filter((m) => m.label === level).length).toBeGreaterThanOrEqual(20)
  })

  for (const [name, set] of Object.entries(halves)) {
    it(`${name} half: precision and recall per level`, () => {
      const result = evaluate(set)
      console.log(report(name, set, result))
      // Only the tune half's mistakes may be shown: looking at the holdout's would make it a second tune half.
      if (name === 'tune' && process.env.QUNDESK_SHOW_MISSES) console.log(result.misses.join('\n'))
      expect(result.exact).toBeGreaterThanOrEqual(FLOORS.exact)
      expect(result.farOff).toBeLessThanOrEqual(FLOORS.farOff)
      expect(result.levels.severe.precision).toBeGreaterThanOrEqual(FLOORS.severePrecision)
      expect(result.levels.severe.recall).toBeGreaterThanOrEqual(FLOORS.severeRecall)
    })
  }
})

/** Regression floors, a little below the figures measured when they were set (2026-12-02: exact 85.7% / 83.3%). */
const FLOORS = { exact: 0.78, farOff: 0.07, severePrecision: 0.85, severeRecall: 0.85 }
