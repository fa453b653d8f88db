import type { SlotName } from '../knowledge/knowledge-base.js'
import { extractEntities, firstEntity } from '../nlu/entities/extract-entities.js'

export interface SlotValues {
  values: Partial<Record<SlotName, string>>
  missing: SlotName[]
  /** While a fact is missing: an identifier of another kind the text gave instead (a phone number for an order number). */
  otherIdentifier: 'order_id' | 'phone' | undefined
}

/**
 * Finds the values of the wanted slots in a text; what is not there is `missing`. Pure.
 *
 * @example
 * findSlotValues(['order_id'], '订单号 DD20261123001 还没发货', new Date()) // { values: { order_id: 'DD20261123001' }, missing: [] }
 */
export function findSlotValues(wanted: readonly SlotName[], text: string, now: Date, utcOffsetMinutes = 480): SlotValues {
  const entities = extractEntities(text, { now, utcOffsetMinutes })
  const values: Partial<Record<SlotName, string>> = {}
  const missing: SlotName[] = []
  for (const slot of wanted) {
    const entity = firstEntity(entities, slot)
    if (entity) values[slot] = String(entity.value)
    else missing.push(slot)
  }
  // Only ids count as "answered with something else": amounts and dates turn up in any chat (明天, 两个).
  const other = missing.length === 0 ? undefined : entities.find((e) => (e.type === 'order_id' || e.type === 'phone') && !wanted.includes(e.type))
  return { values, missing, otherIdentifier: other?.type as 'order_id' | 'phone' | undefined }
}

export const SLOT_NAME_TEXT: Record<SlotName, string> = {
  order_id: '订单号',
  phone: '下单手机号',
  amount: '金额',
  date: '日期',
}

/** The default way to ask for missing slots, e.g. "{{name}}您好，麻烦发一下订单号，我马上帮您处理～". */
export function defaultAsk(missing: readonly SlotName[]): string {
  return `{{name}}您好，麻烦发一下${missing.map((slot) => SLOT_NAME_TEXT[slot]).join('和')}，我马上帮您处理～`
}
