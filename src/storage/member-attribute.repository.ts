import { sql } from 'kysely'
import type { Db } from './create-db.js'
import type { MemberAttributeRow, NewMemberAttributeRow } from './schema.js'

/** The imported columns; an import overwrites only the ones its file has. */
export type MemberAttributeColumn = 'external_id' | 'monthly_spend' | 'total_spend' | 'orders' | 'returns' | 'last_purchase_at'

/**
 * Rows per INSERT: 500 rows × 12 columns stays far below SQLite's 32,766 and PostgreSQL's 65,535 bound parameters,
 * and 100k rows are 200 statements.
 */
export const UPSERT_CHUNK_ROWS = 500

/**
 * Inserts or updates member attributes in chunks of 500 rows. On an existing member only `columns` (plus
 * imported_at / import_source) are overwritten, so a file with just monthly_spend keeps the other facts.
 * Run it inside a transaction to make the whole import atomic.
 *
 * @example
 * await upsertMemberAttributes(trx, rows, ['monthly_spend', 'orders'])
 */
export async function upsertMemberAttributes(db: Db, rows: readonly NewMemberAttributeRow[], columns: readonly MemberAttributeColumn[]): Promise<void> {
  for (let start = 0; start < rows.length; start += UPSERT_CHUNK_ROWS) {
    const chunk = rows.slice(start, start + UPSERT_CHUNK_ROWS)
    await db
      .insertInto('member_attributes')
      .values(chunk)
      .onConflict((oc) =>
        oc.column('member_id').doUpdateSet((eb) => {
          const imported = {
            external_id: eb.ref('excluded.external_id'),
            monthly_spend: eb.ref('excluded.monthly_spend'),
            total_spend: eb.ref('excluded.total_spend'),
            orders: eb.ref('excluded.orders'),
            returns: eb.ref('excluded.returns'),
            last_purchase_at: eb.ref('excluded.last_purchase_at'),
          }
          return {
            imported_at: eb.ref('excluded.imported_at'),
            import_source: eb.ref('excluded.import_source'),
            ...Object.fromEntries(columns.map((column) => [column, imported[column]])),
          }
        }),
      )
      .execute()
  }
}

/**
 * Recomputes RFM scores (1–5) for every row of member_attributes in one set-based statement: quintiles with
 * NTILE(5) over the members whose input is known (R: later last_purchase_at scores higher; F: more orders; M: more
 * total_spend); a row whose input is null gets a null score. Equal values share a score (the lowest quintile any
 * of them fell in), so two members with 1 order never score differently just because of how the sort broke the tie
 * (and the result does not depend on the order ties come in).
 * Plain SQL that SQLite (3.33+, UPDATE ... FROM) and PostgreSQL both run. Returns the number of rows scored.
 *
 * @example
 * const scored = await recomputeRfmScores(trx) // after upserting an import
 */
export async function recomputeRfmScores(db: Db): Promise<number> {
  await sql`
    UPDATE member_attributes
    SET rfm_r = s.r, rfm_f = s.f, rfm_m = s.m
    FROM (
      SELECT
        member_id,
        CASE WHEN last_purchase_at IS NULL THEN NULL ELSE MIN(r_tile) OVER (PARTITION BY last_purchase_at) END AS r,
        CASE WHEN orders IS NULL THEN NULL ELSE MIN(f_tile) OVER (PARTITION BY orders) END AS f,
        CASE WHEN total_spend IS NULL THEN NULL ELSE MIN(m_tile) OVER (PARTITION BY total_spend) END AS m
      FROM (
        SELECT
          member_id, last_purchase_at, orders, total_spend,
          NTILE(5) OVER (PARTITION BY CASE WHEN last_purchase_at IS NULL THEN 1 ELSE 0 END ORDER BY last_purchase_at) AS r_tile,
          NTILE(5) OVER (PARTITION BY CASE WHEN orders IS NULL THEN 1 ELSE 0 END ORDER BY orders) AS f_tile,
          NTILE(5) OVER (PARTITION BY CASE WHEN total_spend IS NULL THEN 1 ELSE 0 END ORDER BY total_spend) AS m_tile
        FROM member_attributes
      ) AS tiles
    ) AS s
    WHERE member_attributes.member_id = s.member_id
  `.execute(db)
  const { count } = await db.selectFrom('member_attributes').select((eb) => eb.fn.countAll<number | string>().as('count')).executeTakeFirstOrThrow()
  return Number(count)
}

/** One member's imported CRM facts and RFM scores, or undefined when none were imported. */
export async function findMemberAttributes(db: Db, memberId: string): Promise<MemberAttributeRow | undefined> {
  return db.selectFrom('member_attributes').selectAll().where('member_id', '=', memberId).executeTakeFirst()
}

/**
 * Which of `ids` are a member_id in group_members (any group, including members who left), in chunks of 500.
 * Reads group_members, but lives here because only the CRM import asks it.
 */
export async function findKnownMemberIds(db: Db, ids: readonly string[]): Promise<Set<string>> {
  const known = new Set<string>()
  for (let start = 0; start < ids.length; start += UPSERT_CHUNK_ROWS) {
    const chunk = ids.slice(start, start + UPSERT_CHUNK_ROWS)
    const rows = await db.selectFrom('group_members').select('member_id').distinct().where('member_id', 'in', chunk).execute()
    for (const row of rows) known.add(row.member_id)
  }
  return known
}
