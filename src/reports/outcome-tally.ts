import type { OutcomeCounts } from '../core/report.js'
import type { ReportSuggestionRow } from '../storage/report.repository.js'
import { rateOf, type Resolution } from './first-contact-resolution.js'
import type { Satisfaction } from './satisfaction-signal.js'

/** A suggestion with its outcome judged (report-service.ts judges): both null when it was not replied to. */
export type JudgedSuggestion = ReportSuggestionRow & { resolution: Resolution | null; satisfaction: Satisfaction | null }

/**
 * Running resolution and satisfaction counts for one bucket (a day, a group, an intent, an agent).
 *
 * @example
 * const tally = new OutcomeTally()
 * tally.add({ ...row, resolution: 'resolved', satisfaction: 'positive' })
 * tally.counts()   // { answered: 1, resolved: 1, resolutionRate: 1, positive: 1, satisfactionRate: 1, ... }
 */
export class OutcomeTally {
  private answered = 0
  private resolved = 0
  private unresolved = 0
  private open = 0
  private positive = 0
  private negative = 0
  private noFeedback = 0

  add(row: Pick<JudgedSuggestion, 'resolution' | 'satisfaction'>): void {
    if (row.resolution === null) return
    this.answered += 1
    if (row.resolution === 'resolved') this.resolved += 1
    else if (row.resolution === 'unresolved') this.unresolved += 1
    else this.open += 1
    if (row.satisfaction === 'positive') this.positive += 1
    else if (row.satisfaction === 'negative') this.negative += 1
    else this.noFeedback += 1
  }

  counts(): OutcomeCounts {
    return {
      answered: this.answered,
      resolved: this.resolved,
      unresolved: this.unresolved,
      resolutionOpen: this.open,
      resolutionRate: rateOf(this.resolved, this.resolved + this.unresolved),
      positive: this.positive,
      negative: this.negative,
      noFeedback: this.noFeedback,
      satisfactionRate: rateOf(this.positive, this.positive + this.negative),
    }
  }
}
