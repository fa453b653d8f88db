import { sql, type Kysely } from 'kysely'
import { isPostgres } from '../../src/storage/dialect.js'

export interface WriteFault {
  /** The table whose writes fail. */
  table: string
  /** Which writes fail (default 'insert'). */
  on?: 'insert' | 'update'
  /** Only rows for which this SQL condition on NEW holds, e.g. `NEW.action = 'members.import'` (same text on both databases). */
  when?: string
  /** The error message the database raises. */
  message: string
  /** A column of the refused row appended to the message, as constraint and driver errors that quote the row do. */
  quote?: string
}

/** Any schema: the trigger is raw SQL. */
type AnyDb = Kysely<any>

/** Drops the trigger again: through the database the fault was made on, or `on` (another connection to the same database, when that one is closed). */
export type RemoveFault = (on?: AnyDb) => Promise<void>

let faults = 0

/**
 * Makes the database itself refuse some writes, for tests of what happens when a write fails inside a transaction:
 * a `BEFORE INSERT|UPDATE` trigger that raises `message` (plus the quoted column of the row, if any). On SQLite a
 * trigger with RAISE(ABORT, …); on PostgreSQL a plpgsql function and a row trigger that RAISE EXCEPTION with the same
 * text, so the driver's error message is the message on both. Returns the remover; a trigger is part of the
 * database, so it stays (for every connection) until removed or the database is thrown away.
 *
 * @example
 * const remove = await failWritesTo(db, { table: 'audit_log', when: "NEW.action = 'members.import'", message: 'forced failure' })
 * try { ... } finally { await remove() }
 */
export async function failWritesTo(db: AnyDb, fault: WriteFault): Promise<RemoveFault> {
  const name = `qundesk_fault_${++faults}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`
  const event = (fault.on ?? 'insert').toUpperCase()
  const literal = `'${fault.message.replaceAll("'", "''")}'`
  const message = fault.quote ? `${literal} || NEW.${quoteIdentifier(fault.quote)}` : literal
  const table = quoteIdentifier(fault.table)
  if (isPostgres(db)) {
    await sql.raw(`CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $qundesk_fault$ BEGIN RAISE EXCEPTION '%', ${message}; END $qundesk_fault$`).execute(db)
    await sql.raw(`CREATE TRIGGER ${name} BEFORE ${event} ON ${table} FOR EACH ROW${fault.when ? ` WHEN (${fault.when})` : ''} EXECUTE FUNCTION ${name}()`).execute(db)
    return async (on = db) => {
      await sql.raw(`DROP TRIGGER IF EXISTS ${name} ON ${table}`).execute(on)
      await sql.raw(`DROP FUNCTION IF EXISTS ${name}()`).execute(on)
    }
  }
  await sql.raw(`CREATE TRIGGER ${name} BEFORE ${event} ON ${table}${fault.when ? ` WHEN ${fault.when}` : ''} BEGIN SELECT RAISE(ABORT, ${message}); END`).execute(db)
  return async (on = db) => {
    await sql.raw(`DROP TRIGGER IF EXISTS ${name}`).execute(on)
  }
}

const quoteIdentifier = (name: string): string => `"${name.replaceAll('"', '""')}"`
