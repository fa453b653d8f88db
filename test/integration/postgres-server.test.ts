import fs from 'node:fs'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { POSTGRES_URL_ENV, findPostgresBin, startPostgres, type TestPostgres } from '../support/postgres-server.js'

async function query<T extends pg.QueryResultRow>(url: string, text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    return (await client.query<T>(text, values)).rows
  } finally {
    await client.end()
  }
}

describe('startPostgres (throwaway test cluster)', () => {
  let server: TestPostgres

  beforeAll(async () => {
    // env: {} — this file tests the cluster itself, even when the suite points at a shared server.
    server = await startPostgres({ env: {} })
  }, 60_000)
  afterAll(async () => server?.stop())

  it('starts a cluster on loopback with durability off, in a temp dir', async () => {
    expect(server.url).toMatch(/^postgres:\/\/postgres@127\.0\.0\.1:\d+\/postgres$/)
    expect(server.dataDir && fs.existsSync(server.dataDir)).toBeTruthy()
    const settings = await query<{ name: string; setting: string }>(server.url, `SELECT name, setting FROM pg_settings WHERE name = ANY($1) ORDER BY name`, [['fsync', 'full_page_writes', 'synchronous_commit', 'listen_addresses']])
    expect(settings).toEqual([
      { name: 'fsync', setting: 'off' },
      { name: 'full_page_writes', setting: 'off' },
      { name: 'listen_addresses', setting: '127.0.0.1' },
      { name: 'synchronous_commit', setting: 'off' },
    ])
  })

  it('gives each caller its own empty UTF8 database with byte-order (C) collation', async () => {
    const a = await server.createDatabase()
    const b = await server.createDatabase()
    expect(a).not.toBe(b)

    await query(a, 'CREATE TABLE notes (id bigserial PRIMARY KEY, body text NOT NULL)')
    await query(a, 'INSERT INTO notes (body) VALUES ($1), ($2)', ['你好', 'b'])
    expect(await query(a, 'SELECT id, body FROM notes ORDER BY id')).toEqual([{ id: '1', body: '你好' }, { id: '2', body: 'b' }])

    await query(b, 'CREATE TABLE notes (id bigserial PRIMARY KEY, body text NOT NULL)')
    await query(b, 'INSERT INTO notes (body) VALUES ($1)', ['only in b'])
    expect(await query(b, 'SELECT body FROM notes')).toEqual([{ body: 'only in b' }])
    expect(await query(a, 'SELECT count(*)::int AS n FROM notes')).toEqual([{ n: 2 }])

    const [info] = await query<{ enc: string; collate: string }>(a, `SELECT pg_encoding_to_char(encoding) AS enc, datcollate AS collate FROM pg_database WHERE datname = current_database()`)
    expect(info).toEqual({ enc: 'UTF8', collate: 'C' })
    // C collation sorts upper case before lower case, like SQLite's BINARY.
    expect(await query(a, `SELECT x FROM (VALUES ('b'), ('B'), ('a')) v(x) ORDER BY x`)).toEqual([{ x: 'B' }, { x: 'a' }, { x: 'b' }])
  })

  it('uses an existing server named by QUNDESK_TEST_POSTGRES_URL and drops only its own databases on stop', async () => {
    const shared = await startPostgres({ env: { [POSTGRES_URL_ENV]: server.url } })
    expect(shared.url).toBe(server.url)
    expect(shared.dataDir).toBeUndefined()
    const url = await shared.createDatabase()
    const name = new URL(url).pathname.slice(1)
    await query(url, 'CREATE TABLE t (x int)')
    // A connection left open (as a crashed test would) does not block the drop.
    const leftOpen = new pg.Client({ connectionString: url })
    leftOpen.on('error', () => undefined)
    await leftOpen.connect()

    await shared.stop()
    expect(await query(server.url, 'SELECT datname FROM pg_database WHERE datname = $1', [name])).toEqual([])
    expect(await query(server.url, 'SELECT 1 AS ok')).toEqual([{ ok: 1 }])
    await leftOpen.end().catch(() => undefined)
  })

  it('rejects database names that are not plain lower-case identifiers', async () => {
    await expect(server.createDatabase('Robert"; DROP')).rejects.toThrow(/Invalid test database name/)
  })
})

describe('startPostgres stop()', () => {
  it('stops the cluster and removes its temp dir', async () => {
    const server = await startPostgres({ env: {} })
    const dir = server.dataDir!
    const url = await server.createDatabase()
    expect(await query(url, 'SELECT 1 AS ok')).toEqual([{ ok: 1 }])

    await server.stop()
    expect(fs.existsSync(dir)).toBe(false)
    await expect(query(server.url, 'SELECT 1')).rejects.toThrow()
    await server.stop() // a second stop is harmless
  }, 60_000)
})

describe('findPostgresBin', () => {
  it('picks the highest installed major under /usr/lib/postgresql', () => {
    expect(findPostgresBin()).toMatch(/^\/usr\/lib\/postgresql\/\d+\/bin$/)
  })

  it('says how to install PostgreSQL when it is missing', () => {
    expect(() => findPostgresBin('/nonexistent/postgresql')).toThrow(/PostgreSQL is not installed.*apt-get install -y postgresql.*QUNDESK_TEST_POSTGRES_URL/)
  })
})
