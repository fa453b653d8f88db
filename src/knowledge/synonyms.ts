/** One line of the `synonyms:` section: customers' words (`variants`) that mean the knowledge base's `term`. */
export interface SynonymEntry {
  /** How the examples say it, e.g. 订单. */
  term: string
  /** How customers may type it instead, e.g. order, orders, 单子. */
  variants: readonly string[]
}

/** The `synonyms:` section of the knowledge YAML: read into a question and into every example before matching. */
export type Synonyms = readonly SynonymEntry[]

export const NO_SYNONYMS: Synonyms = Object.freeze([])
