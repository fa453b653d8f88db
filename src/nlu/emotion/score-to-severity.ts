import type { Severity } from '../../core/vocabulary.js'

/**
 * Lowest score of each severity. The score is `1 - e^(-sum)` of the signal weights, so the raw sums behind these are
 * about 0.13 (one urgency word), 0.6 (one insult, or a complaint with an intensifier and ！！), 1.9 (several strong
 * signals together). Threats do not need to reach 0.85: they raise the score to their floor instead.
 */
export const SEVERITY_THRESHOLDS: Readonly<Record<Exclude<Severity, 'none'>, number>> = { mild: 0.12, moderate: 0.45, severe: 0.85 }

/**
 * Maps a 0..1 score to a severity.
 *
 * @example
 * scoreToSeverity(0.3) // 'mild'
 */
export function scoreToSeverity(score: number): Severity {
  if (score >= SEVERITY_THRESHOLDS.severe) return 'severe'
  if (score >= SEVERITY_THRESHOLDS.moderate) return 'moderate'
  if (score >= SEVERITY_THRESHOLDS.mild) return 'mild'
  return 'none'
}

/** The score a result must at least have to be reported with `severity`, so score and severity never disagree. */
export function minimumScoreFor(severity: Severity): number {
  return severity === 'none' ? 0 : SEVERITY_THRESHOLDS[severity]
}

/** Saturating map from the raw sum of weights: stacking mild signals approaches, but never jumps to, severe. */
export function sumToScore(sum: number): number {
  return sum <= 0 ? 0 : 1 - Math.exp(-sum)
}
