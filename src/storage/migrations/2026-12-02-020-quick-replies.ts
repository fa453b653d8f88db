import type { Kysely } from 'kysely'
import { autoId } from './column-types.js'

/** 常用语: snippets admins keep for agents to insert into a reply (issue 17). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createTable('quick_replies')
    .addColumn('id', ...autoId(db))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('quick_replies').execute()
}
