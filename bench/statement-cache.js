// @ts-check
/**
 * bench/statement-cache: kysely over better-sqlite3 with QunDesk's prepared-statement cache (withStatementCache)
 * against the driver preparing every query (the baseline, same run): 20,000 single-row upserts and point reads of
 * the member-sync kind, median of 3 rounds each. Prints figures and the ratio; asserts nothing.
 *
 *   npm run bench            (all benches)
 *   node bench/statement-cache.js
 */
import SQLite from 'better-sqlite3'
import { Kysely, SqliteDialect } from 'kysely'
import { performance } from 'node:perf_hooks'
import { withStatementCache } from '../dist/storage/statement-cache.js'
/** @param {boolean} cached */
async function run(cached) {
  const sqlite = new SQLite(':memory:')
  sqlite.exec('CREATE TABLE group_members (group_id TEXT, member_id TEXT, member_name TEXT, joined_at TEXT, PRIMARY KEY (group_id, member_id))')
  /** @type {Kysely<any>} */
  const db = new Kysely({ dialect: new SqliteDialect({ database: cached ? withStatementCache(sqlite) : sqlite }) })
  const t = performance.now()
  for (let i = 0; i < 20000; i++) {
    await db.insertInto('group_members').values({ group_id: `g${i % 100}`, member_id: `m${i}`, member_name: `客户${i}`, joined_at: '2026-12-03' }).onConflict((oc) => oc.doNothing()).execute()
    await db.selectFrom('group_members').selectAll().where('group_id', '=', `g${i % 100}`).where('member_id', '=', `m${i}`).executeTakeFirst()
  }
  const ms = performance.now() - t
  await db.destroy()
  return ms
}
const base = []; const cached = []
for (let r = 0; r < 3; r++) { base.push(await run(false)); cached.push(await run(true)) }
const med = (/** @type {number[]} */ a) => a.sort((x, y) => x - y)[1]
console.log(`40,000 small queries (insert + select): prepared each time ${med(base).toFixed(0)} ms, cached ${med(cached).toFixed(0)} ms, ratio ${(med(cached) / med(base)).toFixed(2)}x`)
