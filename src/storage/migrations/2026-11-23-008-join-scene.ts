import type { Kysely } from 'kysely'

/** WeCom's join_scene (1 invited, 2 invitation link, 3 QR code) for memberships reconciled with groupchat/get. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('group_members').addColumn('join_scene', 'integer').execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('group_members').dropColumn('join_scene').execute()
}
