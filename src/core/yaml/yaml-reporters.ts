/** How section readers report, with lines already resolved by the file parser (see readYamlMapping). */
export interface YamlReporters {
  problem: (line: number, message: string, hint: string) => void
  warn: (line: number, message: string, hint: string) => void
  /** The node's 1-based line, or `fallback` for a node without a position (a missing value). */
  lineOf: (node: unknown, fallback: number) => number
}
