import { DEFAULT_ESCALATION_POLICY, type EscalationPolicy } from './escalation-policy.js'
import { NO_BANDS, type MatchingBands } from './matching-bands.js'
import { NO_SYNONYMS, type Synonyms } from './synonyms.js'

/** Facts an answer can require from the customer; each is found by the entity extractor. */
export const SLOT_NAMES = ['order_id', 'phone', 'amount', 'date'] as const
export type SlotName = (typeof SLOT_NAMES)[number]

/** One question type the bot can answer, as loaded from the knowledge YAML. */
export interface Intent {
  /** Unique across all knowledge files, e.g. `logistics.track`. */
  id: string
  /** YAML `name`: a short name for people (`查物流`), shown beside the id; ids stay the stable reference. */
  name?: string
  /** Customer questions that mean this intent; at least one. */
  examples: readonly string[]
  /** Reply template; may contain `{{name}}` and other `{{vars}}` (see `renderAnswer`). */
  answer: string
  /** YAML `auto_send`: the bot may reply without an agent's approval when confident. Default false. */
  autoSend: boolean
  /** YAML `threshold` (0..1): this intent's accept threshold, instead of the global `matching:` band or the default. */
  threshold?: number
  /** YAML `auto_send_threshold` (0..1): this intent auto-sends only at or above it (else the global band, default 0.5). */
  autoSendThreshold?: number
  /**
   * YAML `slots`: facts the answer needs from the customer (e.g. `order_id`). When the question lacks one, the
   * bot asks for it in the group and answers once the customer replies with it; the answer uses `{{order_id}}`.
   */
  slots?: readonly SlotName[]
  /** YAML `ask`: how the bot asks for missing slots; a default question per slot is used otherwise. */
  ask?: string
  /** Where the intent was defined: the file path as loaded (dir joined with file name) and its 1-based line. */
  source: { file: string; line: number }
}

/** A validated, read-only set of intents. */
export interface KnowledgeBase {
  readonly intents: readonly Intent[]
  /** When questions go to a human (the `escalation:` section, or the defaults). */
  readonly escalation: EscalationPolicy
  /** Threshold bands: global and per group (the `matching:` section). */
  readonly bands: MatchingBands
  /** Words customers type for the examples' words (the `synonyms:` section; none by default). */
  readonly synonyms: Synonyms
  readonly files: readonly string[]
  get(id: string): Intent | undefined
}

/**
 * Wraps already-validated intents into a frozen `KnowledgeBase` with lookup by id.
 * Later duplicates of an id are ignored by `get` (the loader reports them as problems).
 *
 * @example
 * const kb = createKnowledgeBase([{ id: 'shop.hours', examples: ['几点上班'], answer: '9:00-21:00',
 *   autoSend: true, source: { file: 'knowledge/shop.yaml', line: 2 } }], ['knowledge/shop.yaml'])
 * kb.get('shop.hours')?.answer // '9:00-21:00'
 */
export function createKnowledgeBase(intents: Intent[], files: string[], options: { escalation?: EscalationPolicy; bands?: MatchingBands; synonyms?: Synonyms } = {}): KnowledgeBase {
  const frozenIntents = Object.freeze(
    intents.map((intent) =>
      Object.freeze({
        ...intent,
        examples: Object.freeze([...intent.examples]),
        ...(intent.slots ? { slots: Object.freeze([...intent.slots]) } : {}),
        source: Object.freeze({ ...intent.source }),
      }),
    ),
  )
  const byId = new Map<string, Intent>()
  for (const intent of frozenIntents) {
    if (!byId.has(intent.id)) byId.set(intent.id, intent)
  }
  const frozenFiles = Object.freeze([...files])
  return Object.freeze({
    intents: frozenIntents,
    escalation: options.escalation ?? DEFAULT_ESCALATION_POLICY,
    bands: options.bands ?? NO_BANDS,
    synonyms: options.synonyms ?? NO_SYNONYMS,
    files: frozenFiles,
    get: (id: string) => byId.get(id),
  })
}
