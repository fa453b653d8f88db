import type { Db } from './create-db.js'

export async function readSettings(db: Db): Promise<Record<string, string>> {
  const rows = await db.selectFrom('settings').select(['key', 'value']).execute()
  return Object.fromEntries(rows.map((r) => [r.key, r.value]))
}

export async function writeSetting(db: Db, key: string, value: string, updatedBy: string, updatedAt: string): Promise<void> {
  await db
    .insertInto('settings')
    .values({ key, value, updated_by: updatedBy, updated_at: updatedAt })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_by: updatedBy, updated_at: updatedAt }))
    .execute()
}
