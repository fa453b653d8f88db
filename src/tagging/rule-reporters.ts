/** How the per-section readers report, with lines already resolved by the file parser. */
export interface RuleReporters {
  problem: (line: number, message: string, hint: string) => void
  warn: (line: number, message: string, hint: string) => void
  lineOf: (node: unknown, fallback: number) => number
}
