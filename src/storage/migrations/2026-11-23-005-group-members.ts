import { sql, type Kysely } from 'kysely'

/** Who is (and was) in each group, since when, and how sure we are of that time. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('group_members')
    .addColumn('group_id', 'text', (c) => c.notNull())
    .addColumn('member_id', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('group_name', 'text', (c) => c.notNull())
    .addColumn('member_name', 'text', (c) => c.notNull())
    .addColumn('joined_at', 'text', (c) => c.notNull())
    .addColumn('joined_at_estimated', 'integer', (c) => c.notNull())
    .addColumn('join_source', 'text', (c) => c.notNull())
    .addColumn('invited_by', 'text')
    .addColumn('left_at', 'text')
    .addColumn('left_at_estimated', 'integer', (c) => c.notNull().defaultTo(sql`0`))
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('group_members_pk', ['group_id', 'member_id'])
    .execute()
  await db.schema.createIndex('group_members_member').on('group_members').column('member_id').execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('group_members').execute()
}
