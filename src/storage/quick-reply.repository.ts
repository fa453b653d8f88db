import type { Db } from './create-db.js'
import type { QuickReplyRow } from './schema.js'

export async function listQuickReplies(db: Db): Promise<QuickReplyRow[]> {
  return db.selectFrom('quick_replies').selectAll().orderBy('title').orderBy('id').execute()
}

export async function countQuickReplies(db: Db): Promise<number> {
  const row = await db.selectFrom('quick_replies').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
  return Number(row.n)
}

export async function insertQuickReply(db: Db, r: { title: string; text: string; by: string; at: string }): Promise<QuickReplyRow> {
  return db.insertInto('quick_replies').values({ title: r.title, text: r.text, updated_by: r.by, updated_at: r.at }).returningAll().executeTakeFirstOrThrow()
}

/** The updated row, or undefined when there is no such snippet. */
export async function updateQuickReply(db: Db, id: number, r: { title: string; text: string; by: string; at: string }): Promise<QuickReplyRow | undefined> {
  return db.updateTable('quick_replies').set({ title: r.title, text: r.text, updated_by: r.by, updated_at: r.at }).where('id', '=', id).returningAll().executeTakeFirst()
}

export async function deleteQuickReply(db: Db, id: number): Promise<boolean> {
  const result = await db.deleteFrom('quick_replies').where('id', '=', id).executeTakeFirst()
  return Number(result.numDeletedRows) === 1
}
