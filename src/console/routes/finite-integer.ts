/**
 * A JSON-schema integer that stays finite after Fastify's type coercion.
 *
 * Why (2026-12, ajv 8 under Fastify 5, `coerceTypes: 'array'`): the text "1e999" (or "Infinity") coerces to the
 * number Infinity, and ajv skips `minimum`/`maximum` for non-finite numbers, so `?limit=1e999` reached SQLite as
 * LIMIT Infinity and answered 500. The repeated `type` under `allOf` checks the coerced value, which refuses it.
 *
 * @example
 * querystring: { type: 'object', properties: { limit: finiteInteger({ minimum: 1, maximum: 1000 }) } }
 * // ?limit=1e999 -> 400 "querystring/limit must be integer"
 */
export function finiteInteger<const R extends { minimum?: number; maximum?: number }>(range: R) {
  return { type: 'integer', ...range, allOf: [{ type: 'integer' }] } as const
}

/** Row ids are 32-bit (PostgreSQL serial): a larger id names no row, and must be a 400, not a database error. */
export const MAX_ROW_ID = 2_147_483_647
export const rowId = () => finiteInteger({ minimum: 1, maximum: MAX_ROW_ID })
