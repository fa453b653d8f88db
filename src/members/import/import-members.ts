import type { Clock } from '../../core/clock.js'
import { appendAudit } from '../../storage/audit.repository.js'
import type { Db } from '../../storage/create-db.js'
import { findKnownMemberIds, recomputeRfmScores, upsertMemberAttributes, type MemberAttributeColumn } from '../../storage/member-attribute.repository.js'
import type { NewMemberAttributeRow } from '../../storage/schema.js'
import type { MemberField } from './parse-member-file.js'
import type { MemberAttributeInput } from './validate-member-rows.js'

/**
 * Why phone-only rows cannot be matched (2026-11): Wechaty gives no phone numbers at all, and WeCom has them only
 * as an external contact's remark_mobiles (externalcontact/get), which the WeCom channel, a later issue, will read.
 */
export const PHONE_NOT_MATCHABLE =
  '暂时无法按手机号匹配（个人微信 Wechaty 不提供手机号；企业微信的手机号来自外部联系人的 remark_mobiles，要等后续版本的企业微信渠道接入）'

export interface UnmatchedMemberRow {
  row: MemberAttributeInput
  reason: 'not_a_member' | 'phone_only'
}

export interface MemberImportResult {
  total: number
  matched: number
  unmatched: UnmatchedMemberRow[]
  /** True when the matched rows were written: not a dry run, something matched, and nothing unmatched (or skipped). */
  written: boolean
  /** Rows of member_attributes whose RFM scores were recomputed (all of them), when written. */
  scored: number
}

const COLUMN_OF: Partial<Record<MemberField, MemberAttributeColumn>> = {
  external_userid: 'external_id',
  monthly_spend: 'monthly_spend',
  total_spend: 'total_spend',
  orders: 'orders',
  returns: 'returns',
  last_purchase: 'last_purchase_at',
}

/**
 * Matches validated CRM rows to group members and, unless told not to, writes them in one transaction: upsert
 * into member_attributes (only the columns the file has), recompute every member's RFM scores, one audit entry.
 * Anything thrown rolls all of it back. Unmatched rows stop the import unless `skipUnmatched`; `dryRun` only
 * matches. A row matches when its member_id (else its external_userid, which WeCom members are stored under) is
 * a member_id in group_members, in any group, including members who left.
 *
 * @example
 * const result = await importMembers({ db, clock }, { source: 'crm.csv', fields: parsed.fields, rows, skipUnmatched: false, dryRun: false })
 * if (!result.written) for (const u of result.unmatched) console.error(u.row.line, u.reason)
 */
export async function importMembers(
  deps: { db: Db; clock: Clock },
  input: { source: string; fields: readonly MemberField[]; rows: readonly MemberAttributeInput[]; skipUnmatched: boolean; dryRun: boolean },
): Promise<MemberImportResult> {
  const { db, clock } = deps
  const ids = input.rows.flatMap((r) => (r.memberId === null ? [] : [r.memberId]))
  const known = await findKnownMemberIds(db, ids)
  const matched: MemberAttributeInput[] = []
  const unmatched: UnmatchedMemberRow[] = []
  for (const row of input.rows) {
    if (row.memberId === null) unmatched.push({ row, reason: 'phone_only' })
    else if (known.has(row.memberId)) matched.push(row)
    else unmatched.push({ row, reason: 'not_a_member' })
  }
  const result: MemberImportResult = { total: input.rows.length, matched: matched.length, unmatched, written: false, scored: 0 }
  if (input.dryRun || matched.length === 0 || (unmatched.length > 0 && !input.skipUnmatched)) return result

  const now = clock().toISOString()
  const columns = input.fields.flatMap((f) => COLUMN_OF[f] ?? [])
  const values: NewMemberAttributeRow[] = matched.map((r) => ({
    member_id: r.memberId!,
    external_id: r.externalId,
    monthly_spend: r.monthlySpend,
    total_spend: r.totalSpend,
    orders: r.orders,
    returns: r.returns,
    last_purchase_at: r.lastPurchaseAt,
    imported_at: now,
    import_source: input.source,
  }))
  await db.transaction().execute(async (trx) => {
    await upsertMemberAttributes(trx, values, columns)
    result.scored = await recomputeRfmScores(trx)
    await appendAudit(trx, {
      at: new Date(now),
      actor: 'cli',
      action: 'members.import',
      subjectType: 'member_attributes',
      subjectId: input.source,
      // Counts only: never ids or phone numbers.
      detail: { source: input.source, rows: result.total, imported: matched.length, unmatched: unmatched.length, skippedUnmatched: unmatched.length > 0, columns, rfmScored: result.scored },
    })
  })
  result.written = true
  return result
}
