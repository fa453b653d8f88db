import type { MetricName, MetricValue } from './metrics.js'

/**
 * Everything a rule can read about one member. Built by the tagging service from storage; tests write it by hand.
 *
 * @example
 * const facts: MemberFacts = { metrics: { join_age_days: 3, messages_30d: 12 }, tags: ['VIP'], questionsByIntent: { 'logistics.track': 2 } }
 */
export interface MemberFacts {
  /** Metric values by name. A missing key, null, NaN or a value of the wrong type all read as null (unknown). */
  readonly metrics: Readonly<Partial<Record<MetricName, MetricValue>>>
  /** Tags the member already has that rules do not compute: manual tags set by agents. */
  readonly tags?: readonly string[]
  /** Questions per intent id over the last 30 days, for `asked('logistics.*')`. */
  readonly questionsByIntent?: Readonly<Record<string, number>>
}
