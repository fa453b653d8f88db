import type { Kysely } from 'kysely'
import { FLOAT } from './column-types.js'

/** Negative emotion per message, and why a suggestion was escalated to a human. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('messages').addColumn('emotion_severity', 'text').execute()
  await db.schema.alterTable('messages').addColumn('emotion_score', FLOAT).execute()
  await db.schema.alterTable('suggestions').addColumn('emotion_severity', 'text').execute()
  await db.schema.alterTable('suggestions').addColumn('escalation_reason', 'text').execute()
  await db.schema.alterTable('suggestions').addColumn('escalation_detail', 'text').execute()
  await db.schema.createIndex('suggestions_member_group').on('suggestions').columns(['member_id', 'group_id', 'created_at']).execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('suggestions_member_group').execute()
  for (const column of ['escalation_detail', 'escalation_reason', 'emotion_severity']) await db.schema.alterTable('suggestions').dropColumn(column).execute()
  for (const column of ['emotion_score', 'emotion_severity']) await db.schema.alterTable('messages').dropColumn(column).execute()
}
