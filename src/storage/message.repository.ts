import { CompiledQuery } from 'kysely'
import type { Db } from './create-db.js'
import { isPostgres } from './dialect.js'
import type { MessageRow, NewMessageRow } from './schema.js'
import type { MessageStatus } from '../core/vocabulary.js'
import type { InboundMessage } from '../core/inbound-message.js'

/**
 * Stores a message unless one with the same id is already stored. Returns false for a duplicate:
 * this insert is the dedupe, so a redelivered message is never acted on twice.
 */
export async function insertMessageOnce(db: Db, row: NewMessageRow): Promise<boolean> {
  const result = await db.insertInto('messages').values(row).onConflict((oc) => oc.column('id').doNothing()).executeTakeFirst()
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0
}

/**
 * Stores several messages in one statement (one commit), skipping ids already stored; returns, for each row in order,
 * whether it was inserted. An id twice in `rows` is inserted once: the later row counts as the duplicate. Rows with
 * different optional columns go in one statement per column set.
 */
export async function insertMessagesOnce(db: Db, rows: readonly NewMessageRow[]): Promise<boolean[]> {
  const first = new Map<string, number>()
  rows.forEach((row, i) => { if (!first.has(row.id)) first.set(row.id, i) })
  const byShape = new Map<string, NewMessageRow[]>()
  for (const [, i] of first) {
    const row = rows[i]!
    const shape = Object.keys(row).join(',')
    const group = byShape.get(shape)
    if (group) group.push(row)
    else byShape.set(shape, [row])
  }
  const inserted = new Set<string>()
  const insert = async (trx: Db) => {
    for (const group of byShape.values()) {
      const returned = await trx.insertInto('messages').values(group).onConflict((oc) => oc.column('id').doNothing()).returning('id').execute()
      for (const r of returned) inserted.add(r.id)
    }
  }
  if (byShape.size === 1) await insert(db)
  else await db.transaction().execute(insert)
  return rows.map((row, i) => first.get(row.id) === i && inserted.has(row.id))
}

export async function markMessage(db: Db, id: string, status: MessageStatus, at: string, error: string | null = null, emotion?: { severity: string; score: number }): Promise<void> {
  const parameters = emotion ? [status, at, error, emotion.severity, emotion.score, id] : [status, at, error, id]
  const compiled = markStatement(db, emotion !== undefined)
  if (compiled) {
    await db.executeQuery(CompiledQuery.raw(compiled, parameters))
    return
  }
  await buildMark(db, id, status, at, error, emotion).execute()
}

const buildMark = (db: Db, id: string, status: string, at: string, error: string | null, emotion?: { severity: string; score: number }) => db
  .updateTable('messages')
  .set({ status: status as MessageStatus, handled_at: at, error, ...(emotion ? { emotion_severity: emotion.severity, emotion_score: emotion.score } : {}) })
  .where('id', '=', id)

/**
 * The mark runs once per message: its SQL is built once per database kind and shape and reused with new parameters
 * (kysely's building and compiling was a sizeable share of a burst). None of its columns is sealed content, so the
 * content-sealing plugin leaves it as it is. Kept only when the compiled parameters come in the order assumed above.
 */
const markStatements = new Map<string, string | null>()
function markStatement(db: Db, withEmotion: boolean): string | undefined {
  const key = `${isPostgres(db) ? 'pg' : 'sqlite'}:${withEmotion}`
  let sqlText = markStatements.get(key)
  if (sqlText === undefined) {
    const sample = withEmotion ? ['$status', '$at', '$error', '$severity', 0.5, '$id'] : ['$status', '$at', '$error', '$id']
    const compiled = buildMark(db, '$id', '$status', '$at', '$error', withEmotion ? { severity: '$severity', score: 0.5 } : undefined).compile()
    sqlText = JSON.stringify(compiled.parameters) === JSON.stringify(sample) ? compiled.sql : null
    markStatements.set(key, sqlText)
  }
  return sqlText ?? undefined
}

/**
 * Messages accepted but not yet handled (the process stopped mid-way): handled again at start. With an instance id,
 * only those that instance received (and unowned ones from before instances): another running instance's messages
 * in hand are its own business.
 */
export async function listUnhandledMessages(db: Db, limit = 1000, instanceId?: string): Promise<MessageRow[]> {
  return db.selectFrom('messages').selectAll().where('status', '=', 'received')
    .$if(instanceId !== undefined, (q) => q.where((eb) => eb.or([eb('instance_id', '=', instanceId!), eb('instance_id', 'is', null)])))
    .orderBy('received_at').orderBy('id').limit(limit).execute()
}

export async function countMessages(db: Db): Promise<number> {
  const row = await db.selectFrom('messages').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
  return Number(row.n)
}

/** Messages of a group around a moment: `before` up to and including it, `after` following it, oldest first. */
export async function listGroupMessagesAround(db: Db, groupId: string, at: string, before = 12, after = 6): Promise<MessageRow[]> {
  // Tag-action triggers (channel 'rules') are bookkeeping for the queue, not part of the group's conversation.
  const inGroup = db.selectFrom('messages').selectAll().where('group_id', '=', groupId).where('channel', '!=', 'rules')
  const earlier = await inGroup.where('sent_at', '<=', at).orderBy('sent_at', 'desc').limit(before).execute()
  const later = await inGroup.where('sent_at', '>', at).orderBy('sent_at', 'asc').limit(after).execute()
  return [...earlier.reverse(), ...later]
}

export async function findMessage(db: Db, id: string): Promise<MessageRow | undefined> {
  return db.selectFrom('messages').selectAll().where('id', '=', id).executeTakeFirst()
}

/** A stored message as the pipeline sees it (a replay after a crash, a question handed to an agent later). */
export function inboundFromRow(row: MessageRow): InboundMessage {
  return {
    id: row.id,
    channel: row.channel,
    groupId: row.group_id,
    groupName: row.group_name,
    senderId: row.sender_id,
    senderName: row.sender_name,
    text: row.text,
    question: row.question,
    mentionsBot: row.mentions_bot === 1,
    fromSelf: row.from_self === 1,
    sentAt: new Date(row.sent_at),
    ...(row.text_original_length !== null ? { textOriginalLength: row.text_original_length } : {}),
  }
}

/** Whether the member @-mentioned the bot in the group between `since` and `before` (a question a picture may follow). */
export async function mentionedBotSince(db: Db, groupId: string, senderId: string, since: string, before: string): Promise<boolean> {
  const row = await db.selectFrom('messages').select('id')
    .where('group_id', '=', groupId).where('sender_id', '=', senderId).where('mentions_bot', '=', 1).where('from_self', '=', 0)
    .where('sent_at', '>=', since).where('sent_at', '<=', before)
    .limit(1).executeTakeFirst()
  return row !== undefined
}
