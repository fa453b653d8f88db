/** Something a customer mentioned that an agent or an intent needs: which order, which phone, how much, which day. */
export type Entity =
  | { type: 'order_id'; value: string; text: string; start: number; end: number }
  | { type: 'phone'; value: string; text: string; start: number; end: number }
  | { type: 'amount'; value: number; text: string; start: number; end: number }
  | { type: 'date'; value: string; text: string; start: number; end: number }

export type EntityType = Entity['type']

export interface ExtractEntitiesOptions {
  /** The moment relative dates (明天, 周五) are counted from; defaults to the current time. */
  now?: Date
  /** The customers' time zone as minutes east of UTC; 480 (UTC+8, China) by default. */
  utcOffsetMinutes?: number
}

/** A candidate before overlaps are resolved; lower `priority` wins a clash. */
export interface EntityCandidate {
  entity: Entity
  priority: number
}

/** Who wins when two candidates overlap: a labelled id beats a phone, which beats a bare digit run, then dates, then amounts. */
export const PRIORITY = { labelledOrderId: 0, phone: 1, bareOrderId: 2, date: 3, amount: 4 } as const
