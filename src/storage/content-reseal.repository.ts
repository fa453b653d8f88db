import { sql, type Kysely } from 'kysely'
import { SEALED_PREFIX, sealedKeyId, type ContentCipher } from './content-cipher.js'
import { SEALED_COLUMNS } from './content-sealing-plugin.js'
import type { Db } from './create-db.js'

/** How the content of one column is stored: plain (non-empty) and sealed under each key id. */
export interface ColumnKeyCount {
  table: string
  column: string
  plain: number
  sealed: Record<string, number>
}

// The sealed tables are walked generically, by name; their row types differ, so this file works untyped.
type AnyDb = Kysely<any>
const raw = (db: Db): AnyDb => db.withoutPlugins() as unknown as AnyDb
const PAGE = 1000

/** Escapes LIKE's wildcards in a key id (ids may contain `_`). */
const likePrefix = (keyId: string) => `${SEALED_PREFIX}${keyId}:`.replace(/[\\%_]/g, (ch) => `\\${ch}`) + '%'

/** Per sealed column, how many values are plain and how many are sealed with each of `keyIds` (counted in SQL). */
export async function countContentByKey(db: Db, keyIds: readonly string[]): Promise<ColumnKeyCount[]> {
  const counts: ColumnKeyCount[] = []
  for (const [table, columns] of Object.entries(SEALED_COLUMNS)) {
    for (const column of columns) {
      const ref = sql.ref(column)
      const row = await raw(db).selectFrom(table).select([
        sql<number>`SUM(CASE WHEN ${ref} <> '' AND ${ref} NOT LIKE ${`${SEALED_PREFIX}%`} THEN 1 ELSE 0 END)`.as('plain'),
        ...keyIds.map((id, i) => sql<number>`SUM(CASE WHEN ${ref} LIKE ${likePrefix(id)} ESCAPE '\\' THEN 1 ELSE 0 END)`.as(`k${i}`)),
      ]).executeTakeFirstOrThrow()
      counts.push({
        table,
        column,
        plain: Number(row.plain ?? 0),
        sealed: Object.fromEntries(keyIds.map((id, i) => [id, Number(row[`k${i}`] ?? 0)])),
      })
    }
  }
  return counts
}

export interface ResealResult {
  /** Values rewritten under the active key (or written plain when the active entry is `plaintext`). */
  rewritten: number
  /** Values that changed between the read and the write (the running bot wrote them, already with the active key). */
  skipped: number
}

/**
 * Rewrites every stored value not in the form the cipher writes now: sealed with another key, or plain while a key
 * is active, or sealed while the active entry is `plaintext`. Works a page of rows per transaction, and each write
 * is conditional on the value still being what was read, so it is safe while QunDesk runs and can be repeated.
 */
export async function resealContent(db: Db, cipher: ContentCipher, onPage?: (table: string, done: number) => void): Promise<ResealResult> {
  const result: ResealResult = { rewritten: 0, skipped: 0 }
  const wanted = (value: unknown): boolean => {
    if (typeof value !== 'string' || value === '') return false
    const id = sealedKeyId(value)
    return cipher.activeKeyId === null ? id !== null : id !== cipher.activeKeyId
  }
  for (const [table, columns] of Object.entries(SEALED_COLUMNS)) {
    let after: unknown
    let done = 0
    for (;;) {
      const rows = await raw(db).selectFrom(table).select(['id', ...columns])
        .$if(after !== undefined, (q) => q.where('id', '>', after)).orderBy('id').limit(PAGE).execute()
      if (rows.length === 0) break
      await raw(db).transaction().execute(async (trx) => {
        for (const row of rows) {
          for (const column of columns) {
            const value = row[column]
            if (!wanted(value)) continue
            const next = cipher.seal(cipher.open(value))
            const update = await trx.updateTable(table).set({ [column]: next }).where('id', '=', row.id).where(column, '=', value).executeTakeFirst()
            if (Number(update.numUpdatedRows) > 0) result.rewritten++
            else result.skipped++
          }
        }
      })
      done += rows.length
      onPage?.(table, done)
      after = rows[rows.length - 1]!.id
      if (rows.length < PAGE) break
    }
  }
  return result
}
