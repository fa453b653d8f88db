import type { ColumnDefinitionBuilder, Kysely } from 'kysely'
import { isPostgres } from '../dialect.js'

/**
 * A generated integer primary key: SQLite's INTEGER PRIMARY KEY AUTOINCREMENT, PostgreSQL's serial (32-bit, so ids
 * stay JavaScript numbers). Use as `.addColumn('id', ...autoId(db))`.
 */
export function autoId(db: Kysely<unknown>): ['serial' | 'integer', (c: ColumnDefinitionBuilder) => ColumnDefinitionBuilder] {
  return isPostgres(db) ? ['serial', (c) => c.primaryKey()] : ['integer', (c) => c.primaryKey().autoIncrement()]
}

/** 8-byte float on both (PostgreSQL's `real` is 4 bytes, too coarse for money); SQLite reads it as REAL. */
export const FLOAT = 'double precision'
/** 64-bit integer on both (durations in ms, imported counts); SQLite reads it as INTEGER. */
export const BIGINT = 'bigint'
