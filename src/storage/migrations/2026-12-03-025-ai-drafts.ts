import type { Kysely } from 'kysely'
import { autoId, BIGINT, FLOAT } from './column-types.js'

/**
 * The optional AI drafter (issue 18). A suggestion whose draft came from the language model says so, with the
 * intents it was grounded in (`ai_draft_intents`, a JSON array; null for every other draft): the console labels it
 * 「AI 草稿」 and nothing ever sends it without an agent. The draft text itself lives in `suggestions.text`, so
 * sealing, retention and erasure treat it like any draft.
 *
 * `ai_drafts` is the accounting, one row per request: model, outcome, tokens, cost and latency. It holds no
 * customer content (ids, counts, an error code), so it is kept when content is purged and the reports can count.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('suggestions').addColumn('ai_draft_intents', 'text').execute()
  await db.schema.createTable('ai_drafts')
    .addColumn('id', ...autoId(db))
    .addColumn('suggestion_id', 'integer', (c) => c.notNull())
    .addColumn('group_id', 'text', (c) => c.notNull())
    .addColumn('model', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('error', 'text')
    .addColumn('intent_ids', 'text', (c) => c.notNull())
    .addColumn('prompt_tokens', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('completion_tokens', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('tokens_estimated', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('cost', FLOAT, (c) => c.notNull().defaultTo(0))
    .addColumn('latency_ms', BIGINT, (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute()
  // One request per suggestion, however many instances heard the question.
  await db.schema.createIndex('ai_drafts_suggestion').on('ai_drafts').column('suggestion_id').unique().execute()
  await db.schema.createIndex('ai_drafts_created').on('ai_drafts').column('created_at').execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('ai_drafts').execute()
  await db.schema.alterTable('suggestions').dropColumn('ai_draft_intents').execute()
}
