import { sql, type Kysely } from 'kysely'
import { autoId, FLOAT, BIGINT } from './column-types.js'

/**
 * Member tagging: current tags (rule and manual, kept apart by `source`), their history, the lifecycle stage,
 * imported CRM attributes, the actions tags trigger, and daily tag counts for the distribution chart.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('group_members').addColumn('lifecycle', 'text').execute()
  // The rule tags as a JSON array, beside the facts: the full re-tag streams one query and diffs against it.
  await db.schema.alterTable('group_members').addColumn('rule_tags', 'text').execute()
  await db.schema.alterTable('group_members').addColumn('tags_changed_at', 'text').execute()
  // The incremental re-tag after a message reads one member's rows; the full re-tag groups by member.
  await db.schema.createIndex('messages_sender_group_sent').on('messages').columns(['sender_id', 'group_id', 'sent_at']).execute()

  await db.schema
    .createTable('member_tags')
    .addColumn('group_id', 'text', (c) => c.notNull())
    .addColumn('member_id', 'text', (c) => c.notNull())
    .addColumn('tag', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('added_at', 'text', (c) => c.notNull())
    .addColumn('added_by', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('member_tags_pk', ['group_id', 'member_id', 'tag'])
    .execute()
  await db.schema.createIndex('member_tags_tag').on('member_tags').columns(['tag', 'group_id']).execute()

  await db.schema
    .createTable('member_tag_history')
    .addColumn('id', ...autoId(db))
    .addColumn('group_id', 'text', (c) => c.notNull())
    .addColumn('member_id', 'text', (c) => c.notNull())
    .addColumn('tag', 'text', (c) => c.notNull())
    .addColumn('change', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('by', 'text', (c) => c.notNull())
    .addColumn('seen', 'text')
    .execute()
  await db.schema.createIndex('member_tag_history_member').on('member_tag_history').columns(['member_id', 'group_id', 'id']).execute()

  await db.schema
    .createTable('member_attributes')
    .addColumn('member_id', 'text', (c) => c.primaryKey())
    .addColumn('external_id', 'text')
    .addColumn('monthly_spend', FLOAT)
    .addColumn('total_spend', FLOAT)
    .addColumn('orders', BIGINT)
    .addColumn('returns', BIGINT)
    .addColumn('last_purchase_at', 'text')
    .addColumn('rfm_r', 'integer')
    .addColumn('rfm_f', 'integer')
    .addColumn('rfm_m', 'integer')
    .addColumn('imported_at', 'text', (c) => c.notNull())
    .addColumn('import_source', 'text', (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('tag_actions')
    .addColumn('id', ...autoId(db))
    .addColumn('history_id', 'integer', (c) => c.notNull())
    .addColumn('action_key', 'text', (c) => c.notNull())
    .addColumn('group_id', 'text', (c) => c.notNull())
    .addColumn('member_id', 'text', (c) => c.notNull())
    .addColumn('tag', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('done_at', 'text')
    .addColumn('suggestion_id', 'integer')
    .addColumn('detail', 'text')
    .execute()
  // Never twice for the same event: one run per (tag change, action).
  await db.schema.createIndex('tag_actions_event').on('tag_actions').columns(['history_id', 'action_key']).unique().execute()
  await db.schema.createIndex('tag_actions_status').on('tag_actions').columns(['status', 'id']).execute()
  await db.schema.createIndex('tag_actions_member').on('tag_actions').columns(['member_id', 'group_id', 'action_key', 'created_at']).execute()

  await db.schema
    .createTable('tag_counts')
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('members', 'integer', (c) => c.notNull().defaultTo(sql`0`))
    .addPrimaryKeyConstraint('tag_counts_pk', ['day', 'kind', 'name'])
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['tag_counts', 'tag_actions', 'member_attributes', 'member_tag_history', 'member_tags']) await db.schema.dropTable(table).execute()
  await db.schema.dropIndex('messages_sender_group_sent').execute()
  await db.schema.alterTable('group_members').dropColumn('tags_changed_at').execute()
  await db.schema.alterTable('group_members').dropColumn('rule_tags').execute()
  await db.schema.alterTable('group_members').dropColumn('lifecycle').execute()
}
