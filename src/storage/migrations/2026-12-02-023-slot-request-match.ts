import type { Kysely } from 'kysely'
import { FLOAT } from './column-types.js'

/**
 * A follow-up question remembers how the original question matched: its score, and whether the match was confident
 * (above the auto-send band and clear of the runner-up). The answer drafted when the facts come may go out without an
 * agent only if that original match was confident. Requests opened before this migration count as not confident
 * (an agent approves their answers).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('slot_requests').addColumn('match_score', FLOAT).execute()
  await db.schema.alterTable('slot_requests').addColumn('match_confident', 'integer', (c) => c.notNull().defaultTo(0)).execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('slot_requests').dropColumn('match_confident').execute()
  await db.schema.alterTable('slot_requests').dropColumn('match_score').execute()
}
