import { execFile, execFileSync, type ExecFileOptions } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import fsp from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { freePort } from './free-port.js'

/**
 * A throwaway PostgreSQL for tests: a fresh cluster in a temp dir on a free loopback port, or — when
 * QUNDESK_TEST_POSTGRES_URL is set — an existing server. Either way `createDatabase()` hands each test
 * file its own empty database, so files can run in parallel and several QunDesk processes can share one.
 *
 * @example
 * const pgServer = await startPostgres()
 * const url = await pgServer.createDatabase()        // postgres://postgres@127.0.0.1:PORT/qundesk_test_…
 * // … new Kysely({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url }) }) })
 * await pgServer.stop()
 */

export const POSTGRES_URL_ENV = 'QUNDESK_TEST_POSTGRES_URL'

export interface StartPostgresOptions {
  /** Where to read QUNDESK_TEST_POSTGRES_URL from; defaults to process.env. Pass `{}` to always start a cluster. */
  env?: Record<string, string | undefined>
  /** Extra server settings (postgresql.conf names), e.g. `{ max_connections: '200' }`. */
  settings?: Record<string, string | number | boolean>
  /** Milliseconds to wait for the server to accept connections. */
  startTimeoutMs?: number
}

export interface TestPostgres {
  /** Superuser URL of the server's maintenance database (`postgres`). */
  url: string
  /** The cluster's temp dir (data, socket, log), or undefined when an existing server is used. */
  dataDir: string | undefined
  /** Creates an empty UTF8 database with C collation (SQLite's byte-order text comparison) and returns its URL. */
  /** A fresh database (a copy of `template` when given, else empty), its URL. */
  createDatabase(name?: string, options?: { template?: string }): Promise<string>
  /** Stops the cluster (immediate mode) and deletes its dir; on an existing server, drops the databases it created. */
  stop(): Promise<void>
}

function run(file: string, args: readonly string[], options: ExecFileOptions = {}): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { ...options, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error) reject(Object.assign(error, { stdout, stderr }))
      else resolve({ stdout, stderr })
    })
  })
}
const PG_ROOT = '/usr/lib/postgresql'
const SUPERUSER = 'postgres'
let databaseCounter = 0

/** The bin dir of the highest installed PostgreSQL major, e.g. /usr/lib/postgresql/15/bin. */
export function findPostgresBin(root = PG_ROOT): string {
  let versions: string[] = []
  try {
    versions = fs.readdirSync(root).filter((v) => /^\d+(\.\d+)?$/.test(v) && fs.existsSync(path.join(root, v, 'bin', 'initdb')))
  } catch {
    // no such dir: falls through to the error below
  }
  versions.sort((a, b) => Number(b) - Number(a))
  if (!versions[0]) {
    throw new Error(
      `PostgreSQL is not installed: no ${root}/<version>/bin/initdb. ` +
        `Install it (Debian: apt-get install -y postgresql) or set ${POSTGRES_URL_ENV} to an existing server's superuser URL.`,
    )
  }
  return path.join(root, versions[0], 'bin')
}

export async function startPostgres(options: StartPostgresOptions = {}): Promise<TestPostgres> {
  const env = options.env ?? process.env
  const external = env[POSTGRES_URL_ENV]
  if (external) return useExistingServer(external)
  return startCluster(options)
}

async function useExistingServer(url: string): Promise<TestPostgres> {
  const created: string[] = []
  await waitForConnection(url, 10_000)
  return {
    url,
    dataDir: undefined,
    async createDatabase(name, options) {
      const dbUrl = await createDatabaseOn(url, name, options?.template)
      created.push(new URL(dbUrl).pathname.slice(1))
      return dbUrl
    },
    async stop() {
      const names = created.splice(0)
      if (names.length === 0) return
      await withClient(url, async (client) => {
        // FORCE (PostgreSQL 13+) ends connections a test forgot to close, so the drop cannot hang.
        for (const name of names) await client.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`)
      })
    },
  }
}

async function startCluster(options: StartPostgresOptions): Promise<TestPostgres> {
  const bin = findPostgresBin()
  const owner = clusterOwner()
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'qundesk-pg-'))
  const dataDir = path.join(dir, 'data')
  const socketDir = path.join(dir, 'socket')
  const logFile = path.join(dir, 'postgres.log')
  await fsp.mkdir(socketDir)
  if (owner) {
    await fsp.chown(dir, owner.uid, owner.gid)
    await fsp.chown(socketDir, owner.uid, owner.gid)
  }
  // The postgres user must be able to reach the dir; mkdtemp makes it 0700, which is what initdb wants anyway.
  const pgRun = async (tool: string, args: string[]) => {
    try {
      const options: ExecFileOptions = {
        cwd: dir, // initdb/pg_ctl look up the cwd; the caller's may be unreadable to the postgres user
        ...(owner ? { uid: owner.uid, gid: owner.gid } : {}),
        env: { ...process.env, LC_ALL: 'C', LANG: 'C', PGTZ: 'UTC' },
        timeout: 60_000,
      }
      return await run(path.join(bin, tool), args, options)
    } catch (error) {
      const e = error as Error & { stderr?: string; stdout?: string }
      const log = await fsp.readFile(logFile, 'utf8').catch(() => '')
      throw new Error(`${tool} ${args.join(' ')} failed: ${e.message}\n${e.stdout ?? ''}${e.stderr ?? ''}${log ? `\n--- ${logFile}\n${log.slice(-4000)}` : ''}`, { cause: error })
    }
  }

  const removeDir = () => fs.rmSync(dir, { recursive: true, force: true })
  let started = false
  // Leaves no postmaster behind if the test process exits without calling stop().
  const onExit = () => {
    if (started) {
      try {
        execFileSync(path.join(bin, 'pg_ctl'), ['-D', dataDir, '-m', 'immediate', '-w', 'stop'], { cwd: dir, stdio: 'ignore', ...(owner ? { uid: owner.uid, gid: owner.gid } : {}) })
      } catch {
        // already gone
      }
    }
    removeDir()
  }
  process.once('exit', onExit)

  try {
    // -N: no fsync of the new files; trust auth: only loopback and our own socket can reach it.
    await pgRun('initdb', ['-D', dataDir, '-U', SUPERUSER, '-A', 'trust', '-E', 'UTF8', '--locale=C', '-N'])
    let lastError: unknown
    for (let attempt = 0; attempt < 5 && !started; attempt++) {
      const port = await freePort()
      const settings: Record<string, string | number | boolean> = {
        listen_addresses: '127.0.0.1',
        port,
        unix_socket_directories: socketDir,
        // A test cluster is thrown away after the run, so durability buys nothing: without fsync, synchronous
        // commit and full-page writes each commit costs no disk flush, which keeps hundreds of small test
        // transactions fast on a 2-core machine. Never use these settings for real data.
        fsync: 'off',
        synchronous_commit: 'off',
        full_page_writes: 'off',
        timezone: 'UTC',
        max_connections: 200,
        ...options.settings,
      }
      const conf = Object.entries(settings).map(([k, v]) => `${k} = ${typeof v === 'string' ? `'${v.replace(/'/g, "''")}'` : String(v)}`)
      await fsp.writeFile(path.join(dataDir, 'postgresql.auto.conf'), `# written by test/support/postgres-server.ts\n${conf.join('\n')}\n`)
      try {
        await pgRun('pg_ctl', ['-D', dataDir, '-l', logFile, '-w', '-t', String(Math.ceil((options.startTimeoutMs ?? 30_000) / 1000)), 'start'])
        started = true
        const url = `postgres://${SUPERUSER}@127.0.0.1:${port}/postgres`
        await waitForConnection(url, options.startTimeoutMs ?? 30_000)
        return clusterHandle(url, dir, async () => {
          process.removeListener('exit', onExit)
          if (started) {
            started = false
            await pgRun('pg_ctl', ['-D', dataDir, '-m', 'immediate', '-w', 'stop']).catch(() => undefined)
          }
          await fsp.rm(dir, { recursive: true, force: true })
        })
      } catch (error) {
        // Most likely another process took the port between freePort() and the bind: try another one.
        lastError = error
        if (started) throw error
      }
    }
    throw lastError
  } catch (error) {
    process.removeListener('exit', onExit)
    onExit()
    throw error
  }
}

function clusterHandle(url: string, dir: string, stopCluster: () => Promise<void>): TestPostgres {
  let stopping: Promise<void> | undefined
  return {
    url,
    dataDir: dir,
    createDatabase: (name, options) => createDatabaseOn(url, name, options?.template),
    stop: () => (stopping ??= stopCluster()),
  }
}

export async function createDatabaseOn(adminUrl: string, name?: string, template?: string): Promise<string> {
  const dbName = name ?? `qundesk_test_${process.pid}_${++databaseCounter}_${randomBytes(3).toString('hex')}`
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(dbName)) throw new Error(`Invalid test database name ${JSON.stringify(dbName)}: use lower-case letters, digits and _`)
  await withClient(adminUrl, (client) =>
    // template0 + C collation: an empty database whatever the server's template1 holds, with text ordered
    // and compared byte-wise as SQLite's default BINARY collation does. A given template (already migrated) is
    // copied with its own encoding and collation: much faster than migrating every test's database.
    client.query(template
      ? `CREATE DATABASE ${quoteIdent(dbName)} TEMPLATE ${quoteIdent(template)}`
      : `CREATE DATABASE ${quoteIdent(dbName)} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'`),
  )
  const url = new URL(adminUrl)
  url.pathname = `/${dbName}`
  return url.toString()
}

async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    return await fn(client)
  } finally {
    await client.end()
  }
}

async function waitForConnection(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    try {
      await withClient(url, (client) => client.query('SELECT 1'))
      return
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`PostgreSQL at ${url} did not accept connections within ${timeoutMs} ms: ${(error as Error).message}`, { cause: error })
      await new Promise((r) => setTimeout(r, 100))
    }
  }
}

/** PostgreSQL refuses to run as root: as root, the cluster belongs to the `postgres` system user (created if missing). */
function clusterOwner(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined
  const lookup = () => {
    try {
      return {
        uid: Number(execFileSync('id', ['-u', SUPERUSER], { encoding: 'utf8' }).trim()),
        gid: Number(execFileSync('id', ['-g', SUPERUSER], { encoding: 'utf8' }).trim()),
      }
    } catch {
      return undefined
    }
  }
  const found = lookup()
  if (found) return found
  execFileSync('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', SUPERUSER], { stdio: 'ignore' })
  const created = lookup()
  if (!created) throw new Error(`Running as root and could not find or create the ${SUPERUSER} system user that PostgreSQL must run as`)
  return created
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`
}
