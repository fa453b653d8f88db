import { sql, type Kysely } from 'kysely'

/**
 * Several QunDesk processes on one database (QUNDESK_INSTANCE_ID), each owning its own puppet account:
 * - `instances`: who is running, with a heartbeat (a stale heartbeat means the process is gone);
 * - `group_owners`: which instance's account is in a group, so a send goes out through the right account;
 * - `outbox.instance_id`: the instance that must send the row (null in rows from before: whoever sends first);
 * - `messages.instance_id`: the instance that received a message, which replays it if it stopped mid-way;
 * - `job_runs`: one row per scheduled run of a fleet-wide job, so a cron tick runs on one instance only.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createTable('instances')
    .addColumn('instance_id', 'text', (c) => c.primaryKey())
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('heartbeat_at', 'text', (c) => c.notNull())
    .addColumn('stopped_at', 'text')
    .execute()
  await db.schema.createTable('group_owners')
    .addColumn('group_id', 'text', (c) => c.primaryKey())
    .addColumn('instance_id', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema.alterTable('outbox').addColumn('instance_id', 'text').execute()
  await db.schema.createIndex('outbox_instance_due').on('outbox').columns(['instance_id', 'status', 'next_attempt_at']).execute()
  await db.schema.alterTable('messages').addColumn('instance_id', 'text').execute()
  await db.schema.createIndex('messages_unhandled').on('messages').columns(['instance_id', 'received_at']).where(sql.ref('status'), '=', 'received').execute()
  await db.schema.createTable('job_runs')
    .addColumn('job', 'text', (c) => c.notNull())
    .addColumn('slot', 'text', (c) => c.notNull())
    .addColumn('instance_id', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .addColumn('error', 'text')
    .addPrimaryKeyConstraint('job_runs_pk', ['job', 'slot'])
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('job_runs').execute()
  await db.schema.dropIndex('messages_unhandled').execute()
  await db.schema.alterTable('messages').dropColumn('instance_id').execute()
  await db.schema.dropIndex('outbox_instance_due').execute()
  await db.schema.alterTable('outbox').dropColumn('instance_id').execute()
  await db.schema.dropTable('group_owners').execute()
  await db.schema.dropTable('instances').execute()
}
