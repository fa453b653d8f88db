import type { SlotName } from '../knowledge/knowledge-base.js'
import { extractEntities, firstEntity } from '../nlu/entities/extract-entities.js'

export interface SlotValues {
  values: Partial<Record<SlotName, string>>
  missing: SlotName[]
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
  return { values, missing }
}

const ASK: Record<SlotName, string> = {
  order_id: '订单号',
  phone: '下单手机号',
  amount: '金额',
  date: '日期',
}

/** The default way to ask for missing slots, e.g. "{{name}}您好，麻烦发一下订单号，我马上帮您处理～". */
export function defaultAsk(missing: readonly SlotName[]): string {
  return `{{name}}您好，麻烦发一下${missing.map((slot) => ASK[slot]).join('和')}，我马上帮您处理～`
}
