import { sql, type Kysely } from 'kysely'
import { isPostgres } from '../../src/storage/dialect.js'

/**
 * Every text column of every table (but those in `except`) with a cell containing `needle`, as `table.column` in
 * name order; the
 * same on SQLite and PostgreSQL (tables and columns from Kysely's introspection, the search with instr/strpos, both
 * case-sensitive and literal).
 *
 * Any schema (`Kysely<any>`): every table is searched.
 *
 * @example
 * expect(await textColumnsHolding(app.db, PHONE, { except: ['audit_log'] })).toEqual([])
 */
export async function textColumnsHolding(db: Kysely<any>, needle: string, { except = [] }: { except?: readonly string[] } = {}): Promise<string[]> {
  const position = isPostgres(db) ? 'strpos' : 'instr'
  const tables = (await db.introspection.getTables()).filter((t) => !t.isView && !except.includes(t.name))
  // Found nothing to search would make every "nothing holds it" check pass.
  if (!tables.some((t) => t.columns.some((c) => c.dataType.toUpperCase() === 'TEXT'))) throw new Error('textColumnsHolding: the introspection found no text columns')
  const found: string[] = []
  for (const table of tables) {
    for (const column of table.columns.filter((c) => c.dataType.toUpperCase() === 'TEXT')) {
      const hit = await sql<{ n: number }>`SELECT COUNT(*) AS n FROM ${sql.table(table.name)} WHERE ${sql.raw(position)}(${sql.ref(column.name)}, ${needle}) > 0`.execute(db)
      if (Number(hit.rows[0]!.n) > 0) found.push(`${table.name}.${column.name}`)
    }
  }
  return found.sort()
}
