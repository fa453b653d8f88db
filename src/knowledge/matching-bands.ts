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
}

export const NO_BANDS: MatchingBands = Object.freeze({ global: Object.freeze({}), groups: Object.freeze([]) })
