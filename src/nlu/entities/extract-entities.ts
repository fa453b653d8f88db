import type { Entity, EntityCandidate, EntityType, ExtractEntitiesOptions } from './entity-types.js'
import { analyzedText } from '../../core/text-limits.js'
import { findAmounts } from './find-amounts.js'
import { findDates } from './find-dates.js'
import { findIdentifiers } from './find-identifiers.js'
import { localDateAt } from './local-calendar.js'
import { toHalfWidth } from './to-half-width.js'
import { toSimplified } from '../to-simplified.js'

export type { Entity, EntityType, ExtractEntitiesOptions } from './entity-types.js'

/** China Standard Time; WeCom/WeChat customers are almost all on it. */
const DEFAULT_UTC_OFFSET_MINUTES = 480

/**
 * Order ids, mainland mobile numbers, amounts of money (in yuan) and calendar days in a customer message, in reading
 * order, never overlapping. `start`/`end` are UTF-16 offsets into `text` and `text` is the original slice, so a
 * console can highlight them; `value` is normalised (digits only, yuan as a number, YYYY-MM-DD in the customers' zone).
 *
 * @example
 * extractEntities('订单号：DD20261123001，明天能退我99.5元吗', { now: new Date('2026-11-23T04:00:00Z') })
 * // [{ type: 'order_id', value: 'DD20261123001', ... }, { type: 'date', value: '2026-11-24', text: '明天', ... },
 * //  { type: 'amount', value: 99.5, text: '99.5元', ... }]
 */
export function extractEntities(text: string, options: ExtractEntitiesOptions = {}): Entity[] {
  if (typeof text !== 'string' || text.length === 0) return []
  // Entities live in short messages: a paste (a log, an order export) is read only as far as the analysis reads.
  const original = analyzedText(text)
  const half = readableForm(original)
  const today = localDateAt(options.now ?? new Date(), options.utcOffsetMinutes ?? DEFAULT_UTC_OFFSET_MINUTES)
  const candidates = [...findIdentifiers(half, original), ...findDates(half, original, today), ...findAmounts(half, original)]
  return resolveOverlaps(candidates)
}

/**
 * The first entity of a type, typed as that variant.
 *
 * @example
 * firstEntity(extractEntities('电话13812345678'), 'phone')?.value // '13812345678'
 */
export function firstEntity<T extends EntityType>(entities: readonly Entity[], type: T): Extract<Entity, { type: T }> | undefined {
  return entities.find((entity): entity is Extract<Entity, { type: T }> => entity.type === type)
}

/** Best candidates first (priority, then longer, then earlier); each is kept only if it overlaps nothing kept before. */
function resolveOverlaps(candidates: EntityCandidate[]): Entity[] {
  const ranked = [...candidates].sort(
    (a, b) =>
      a.priority - b.priority ||
      b.entity.end - b.entity.start - (a.entity.end - a.entity.start) ||
      a.entity.start - b.entity.start,
  )
  const kept: Entity[] = []
  for (const { entity } of ranked) {
    if (kept.some((other) => entity.start < other.end && other.start < entity.end)) continue
    kept.push(entity)
  }
  return kept.sort((a, b) => a.start - b.start)
}

/**
 * Half-width and simplified (下週一 → 下周一, 3號 → 3号), one UTF-16 unit for one so offsets found in it are offsets in
 * the original; if simplifying would change the length (a rare phrase rewrite), only the half-width form is used.
 */
function readableForm(original: string): string {
  const half = toHalfWidth(original)
  const simplified = toSimplified(half)
  return simplified.length === half.length ? simplified : half
}
