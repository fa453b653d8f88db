import { createHash } from 'node:crypto'
import type { Kysely } from 'kysely'

/**
 * Makes the audit log tamper-evident: each entry stores its predecessor's hash and its own. Existing entries are
 * chained in id order here (the same formula as src/storage/audit-chain.ts, repeated so this migration never
 * changes with later code).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('audit_log').addColumn('prev_hash', 'text').execute()
  await db.schema.alterTable('audit_log').addColumn('hash', 'text').execute()
  const audit = db as unknown as Kysely<{ audit_log: { id: number; at: string; actor: string; action: string; subject_type: string; subject_id: string; detail: string; prev_hash: string | null; hash: string | null } }>
  let previous = '0'.repeat(64)
  let lastId = 0
  for (;;) {
    const rows = await audit.selectFrom('audit_log').selectAll().where('id', '>', lastId).orderBy('id').limit(1000).execute()
    if (rows.length === 0) break
    for (const r of rows) {
      const hash = createHash('sha256').update(JSON.stringify([previous, r.at, r.actor, r.action, r.subject_type, r.subject_id, r.detail])).digest('hex')
      await audit.updateTable('audit_log').set({ prev_hash: previous, hash }).where('id', '=', r.id).execute()
      previous = hash
      lastId = r.id
    }
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('audit_log').dropColumn('hash').execute()
  await db.schema.alterTable('audit_log').dropColumn('prev_hash').execute()
}
