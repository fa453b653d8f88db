import { PRIORITY } from './entity-types.js'
import type { EntityCandidate } from './entity-types.js'

/**
 * A label, optional separators (：# 是 为), then a code. Longest labels first so 快递单号 is not read as 单号.
 * Tracking numbers (快递单号/运单号) come out as `order_id` too: what matters downstream is that they are not phones.
 */
const LABELLED_ID = /(?:订单编号|订单号码|订单号|快递单号|物流单号|运单号|快递号|单号|订单)[\s:#是为]*([a-z0-9][a-z0-9-]*[a-z0-9])/gi
/** Taobao (18–19), JD (12+), Pinduoduo (with dashes elsewhere) order numbers are long digit runs. */
const BARE_DIGITS = /(?<![a-z0-9])\d{12,24}(?![a-z0-9])/gi
/** Courier-style codes: a short letter prefix and many digits (SF1234567890123, JD0012345678901). */
const BARE_PREFIXED = /(?<![a-z0-9])[a-z]{1,4}\d{10,22}(?![a-z0-9])/gi
/** 11-digit mainland mobile, 3-4-4 with one consistent separator, optional +86 / 0086; never inside a longer number. */
const PHONE = /(?<![a-z0-9+])(?:(?:\+|00)86[\s-]?)?(1[3-9]\d)([\s-]?)(\d{4})\2(\d{4})(?![0-9])/gi

/**
 * Order ids and phone numbers in `text` (already half-width). Both are digit runs, so they are found together and
 * ranked: an 11-digit run after 订单号 is an order id; elsewhere 1[3-9]xxxxxxxxx is a phone.
 *
 * @example
 * findIdentifiers('订单号：DD20261123001，电话 138-1234-5678', original).map((c) => c.entity.type) // ['order_id', 'phone']
 */
export function findIdentifiers(text: string, original: string): EntityCandidate[] {
  const found: EntityCandidate[] = []
  for (const match of text.matchAll(LABELLED_ID)) {
    const code = match[1]!
    // 订单ab or 单号12 is a typo or a fragment, not an id: ids are long and mostly digits.
    if (code.length < 6 || countDigits(code) < 4) continue
    const start = match.index + match[0].length - code.length
    found.push(orderId(code, start, original, PRIORITY.labelledOrderId))
  }
  for (const pattern of [BARE_DIGITS, BARE_PREFIXED]) {
    for (const match of text.matchAll(pattern)) found.push(orderId(match[0], match.index, original, PRIORITY.bareOrderId))
  }
  for (const match of text.matchAll(PHONE)) {
    const end = match.index + match[0].length
    found.push({
      entity: { type: 'phone', value: `${match[1]}${match[3]}${match[4]}`, text: original.slice(match.index, end), start: match.index, end },
      priority: PRIORITY.phone,
    })
  }
  return found
}

function orderId(code: string, start: number, original: string, priority: number): EntityCandidate {
  const end = start + code.length
  return { entity: { type: 'order_id', value: code.toUpperCase(), text: original.slice(start, end), start, end }, priority }
}

function countDigits(text: string): number {
  let count = 0
  for (const c of text) if (c >= '0' && c <= '9') count++
  return count
}
