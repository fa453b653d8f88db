/** A threshold band: suggest (S) at or above `suggest`, auto-send (A) at or above `autoSend` (auto_send intents only). */
export interface Band {
  suggest?: number
  autoSend?: number
}

/** The `matching:` section of the knowledge YAML: the global band and stricter bands for some groups. */
export interface MatchingBands {
  global: Band
  /** Matched against the group's id or its name (topic). */
  groups: ReadonlyArray<Band & { match: string }>
  /**
   * `matching.semantic`: the global band for rankings blended with the embedding provider's vectors (their scores
   * have another scale); `qundesk kb calibrate --write` sets it when the provider is configured. A question decided
   * without the provider (off, down, slow) uses `global` as before.
   */
  semantic?: Band
}

export const NO_BANDS: MatchingBands = Object.freeze({ global: Object.freeze({}), groups: Object.freeze([]) })
