import SQLite from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { withStatementCache } from '../../../src/storage/statement-cache.js'

let sqlite: SQLite.Database
beforeEach(() => {
  sqlite = new SQLite(':memory:')
  sqlite.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)')
  sqlite.prepare('INSERT INTO t (v) VALUES (?), (?), (?)').run('a', 'b', 'c')
})
afterEach(() => {
  if (sqlite.open) sqlite.close()
})

describe('withStatementCache', () => {
  it('hands out the same prepared statement for the same SQL, and it still runs with new parameters', () => {
    const db = withStatementCache(sqlite)
    const first = db.prepare('SELECT v FROM t WHERE id = ?')
    const again = db.prepare('SELECT v FROM t WHERE id = ?')
    expect(again).toBe(first)
    expect(first.all([1])).toEqual([{ v: 'a' }])
    expect(again.all([3])).toEqual([{ v: 'c' }])
    expect(db.prepare('SELECT v FROM t WHERE id = ? ')).not.toBe(first) // another text, another statement
  })

  it('never hands out a statement that is being iterated: a second query of the same text gets its own', () => {
    const db = withStatementCache(sqlite)
    const streaming = db.prepare('SELECT v FROM t ORDER BY id')
    const seen: string[] = []
    for (const row of streaming.iterate([]) as IterableIterator<{ v: string }>) {
      const inner = db.prepare('SELECT v FROM t ORDER BY id')
      expect(inner).not.toBe(streaming)
      seen.push(row.v, (inner.all([]) as Array<{ v: string }>).map((r) => r.v).join(''))
    }
    expect(seen).toEqual(['a', 'abc', 'b', 'abc', 'c', 'abc'])
    // Once the iteration is over the cached statement serves again.
    expect(db.prepare('SELECT v FROM t ORDER BY id')).toBe(streaming)
  })

  it('keeps at most `max` texts, dropping the least recently used', () => {
    const db = withStatementCache(sqlite, 2)
    const a = db.prepare('SELECT 1')
    const b = db.prepare('SELECT 2')
    expect(db.prepare('SELECT 1')).toBe(a) // a is now the most recent
    db.prepare('SELECT 3') // evicts b
    expect(db.prepare('SELECT 1')).toBe(a)
    expect(db.prepare('SELECT 2')).not.toBe(b)
  })

  it('closes the database', () => {
    const db = withStatementCache(sqlite)
    db.prepare('SELECT 1')
    db.close()
    expect(sqlite.open).toBe(false)
  })
})
