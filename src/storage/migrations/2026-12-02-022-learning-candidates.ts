import type { Kysely } from 'kysely'
import { autoId } from './column-types.js'

/**
 * 学习候选 (issue 18): questions proposed as examples of an intent (a reply sent as drafted, an agent's "wrong
 * intent" fix), waiting for an admin to accept them into knowledge/learned.yaml or discard them. Only pending
 * candidates are kept: a decision deletes the row (the audit log keeps who decided what).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createTable('learning_candidates')
    .addColumn('id', ...autoId(db))
    .addColumn('intent_id', 'text', (c) => c.notNull())
    // The customer's question: sealed like the suggestion it came from (content-sealing-plugin.ts).
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('suggestion_id', 'integer')
    .addColumn('member_id', 'text')
    .addColumn('proposed_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute()
  // Several instances hear the same "sent" event: one candidate per suggestion and source.
  await db.schema.createIndex('learning_candidates_suggestion_source').on('learning_candidates').columns(['suggestion_id', 'source']).unique().execute()
  await db.schema.createIndex('learning_candidates_member').on('learning_candidates').column('member_id').execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('learning_candidates').execute()
}
