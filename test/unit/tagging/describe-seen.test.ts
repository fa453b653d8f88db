import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { describeSeen } from '../../../src/tagging/describe-seen.js'
import { METRIC_NAMES, METRICS } from '../../../src/tagging/metrics.js'

describe('describeSeen', () => {
  it('says what a rule saw in words an agent reads, not as rule syntax', () => {
    expect(describeSeen({ severe_messages_30d: 1, "has_tag('高净值VIP')": true, "has_tag('流失预警')": false, "asked('logistics.*')": 3, monthly_spend: null, in_group: true, return_rate: 0.0333 }))
      .toBe('近 30 天严重负面消息 1，已有标签「高净值VIP」，没有标签「流失预警」，问过「logistics.*」3 次，近 30 天消费（元） 未知，仍在群内 是，退货率 0.03')
  })

  it('gives every metric a short Chinese label', () => {
    for (const name of METRIC_NAMES) expect(METRICS[name].label, name).toMatch(/^[^=(]{1,12}$/u)
  })

  it('never shows rule syntax for anything the evaluator records', () => {
    const key = fc.oneof(fc.constantFrom(...METRIC_NAMES), fc.string().filter((t) => !t.includes('」')).map((t) => `has_tag('${t}')`), fc.string().filter((t) => !t.includes('」')).map((t) => `asked('${t}')`))
    fc.assert(fc.property(fc.dictionary(key, fc.oneof(fc.boolean(), fc.integer(), fc.double({ noNaN: true }), fc.constant(null))), (seen) => {
      // A tag or intent pattern is quoted as written; everything around it must be words.
      const text = describeSeen(seen).replace(/「[^」]*」/gu, '「」')
      expect(text).not.toMatch(/=|has_tag\(|asked\(|\b(true|false|null)\b/u)
    }))
  })
})
