import type { Kysely } from 'kysely'

/**
 * Message ids a puppet announced, kept until the message is stored or deliberately skipped. A puppet announces a
 * message with its id only; reading it (payload, room, sender) takes several more calls, and a process killed in
 * between would lose a message it had been told about. After a restart the ids still here are fetched again.
 * `instance_id` is the instance whose account (puppet) announced the id: only that puppet can give the payload.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createTable('announced_messages')
    .addColumn('instance_id', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('message_id', 'text', (c) => c.notNull())
    .addColumn('announced_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('announced_messages_pk', ['instance_id', 'channel', 'message_id'])
    .execute()
  await db.schema.createIndex('announced_messages_at').on('announced_messages').column('announced_at').execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('announced_messages').execute()
}
