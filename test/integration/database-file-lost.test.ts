import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { loadConfig, type Env } from '../../src/config/load-config.js'
import type { HealthView } from '../../src/console/contract.js'
import { startFakeWecom, type FakeWecom } from '../support/fake-wecom-server.js'
import { onPostgres } from '../support/test-database.js'
import { runCli } from '../../src/cli.js'
import { callApi, makeWorkdir, testEnv, waitFor, withWorkdirDb, type Workdir } from './test-context.js'

const BIN = path.resolve(import.meta.dirname, '../../bin/qundesk.js')
// Generous: a start loads Wechaty and the NLU, which takes tens of seconds on a busy two-core machine.
const SLOW = { timeoutMs: 150_000, intervalMs: 50 }

interface Cli {
  child: ChildProcess
  stdout(): string
  stderr(): string
  exited: Promise<number | null>
}

const running: Cli[] = []
let wecom: FakeWecom | undefined
afterEach(async () => {
  for (const cli of running.splice(0)) await stop(cli)
  await wecom?.close()
  wecom = undefined
})

/** `qundesk start` as an operator runs it: the built CLI in its own process, the demo account, no simulated customers. */
function startCli(work: Workdir, args: string[] = [], extra: Env = {}): Cli {
  const env = { ...process.env, ...testEnv(work, { QUNDESK_DEMO: '0', QUNDESK_LOG_LEVEL: 'error', ...extra }) }
  const child = spawn(process.execPath, [BIN, 'start', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  let err = ''
  child.stdout!.on('data', (chunk: Buffer) => { out += chunk.toString('utf8') })
  child.stderr!.on('data', (chunk: Buffer) => { err += chunk.toString('utf8') })
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  const cli = { child, stdout: () => out, stderr: () => err, exited }
  running.push(cli)
  return cli
}

/** The console's URL once the start has printed it. */
async function urlOf(cli: Cli): Promise<string> {
  const match = await waitFor(() => {
    if (cli.child.exitCode !== null) throw new Error(`qundesk start exited ${cli.child.exitCode}: ${cli.stderr()}`)
    return /API:\s+(http:\/\/\S+)\/api\/health/.exec(cli.stdout())
  }, SLOW)
  return match[1]!
}

/** How a start ended: its exit code, or 'started' when it came up instead of refusing. */
function outcome(cli: Cli): Promise<number | null | 'started'> {
  return Promise.race([cli.exited, urlOf(cli).then(() => 'started' as const, () => cli.exited)])
}

async function stop(cli: Cli): Promise<number | null> {
  if (cli.child.exitCode === null && cli.child.signalCode === null) cli.child.kill('SIGTERM')
  return cli.exited
}

async function health(url: string): Promise<HealthView> {
  const res = await callApi<HealthView>(url, 'GET', '/api/health')
  expect(res.status).toBe(200)
  return res.body
}

/** The error-level log lines (pino JSON on stdout) with this message. */
function loggedErrors(cli: Cli, message: RegExp): Array<Record<string, unknown>> {
  return cli.stdout().split('\n').filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((entry) => entry.level === 50 && message.test(String(entry.msg)))
}

/** A first start on a fresh data folder and state folder, stopped again: the database exists and is remembered. */
async function installed(work: Workdir): Promise<{ file: string }> {
  const first = startCli(work)
  await urlOf(first)
  expect(first.stdout()).toContain('演示管理员')
  expect(await stop(first)).toBe(0)
  return { file: loadConfig(testEnv(work)).databaseFile }
}

// SQLite's own files: a dropped PostgreSQL database fails loudly by itself.
describe.skipIf(onPostgres())('the SQLite database file lost', () => {
  it('a first start on a clean machine just works, and remembers the database in both markers', { timeout: 300_000 }, async () => {
    const work = await makeWorkdir()
    const stateDir = testEnv(work).QUNDESK_STATE_DIR!
    expect(fs.existsSync(stateDir)).toBe(false)
    expect(fs.existsSync(work.dataDir)).toBe(false)
    const cli = startCli(work)
    expect((await health(await urlOf(cli))).database).toEqual({ ok: true, problems: [] })
    const file = loadConfig(testEnv(work)).databaseFile
    const state = JSON.parse(fs.readFileSync(path.join(stateDir, 'databases.json'), 'utf8')) as { databases: Record<string, { since: string }> }
    expect(Object.keys(state.databases)).toEqual([file])
    expect(fs.statSync(stateDir).mode & 0o777).toBe(0o700)
    expect(fs.statSync(path.join(stateDir, 'databases.json')).mode & 0o777).toBe(0o600)
    expect(JSON.parse(fs.readFileSync(`${file}.marker`, 'utf8'))).toEqual({ file, since: state.databases[file]!.since })
    expect(fs.statSync(`${file}.marker`).mode & 0o777).toBe(0o600)
  })

  it('deleting the data folder while running turns health degraded naming the file, logs one error and tells the agents\' group', { timeout: 300_000 }, async () => {
    wecom = await startFakeWecom({ corpId: 'ww-test', secret: 's3cret' })
    const work = await makeWorkdir()
    const cli = startCli(work, [], { QUNDESK_WECOM_WEBHOOK_KEY: 'test-webhook-key', QUNDESK_WECOM_API_BASE: wecom.baseUrl })
    const url = await urlOf(cli)
    const file = loadConfig(testEnv(work)).databaseFile
    await waitFor(async () => (await health(url)).status === 'ok', SLOW)

    fs.rmSync(work.dataDir, { recursive: true, force: true })

    const lost = await waitFor(async () => { const h = await health(url); return h.database.ok ? undefined : h }, SLOW)
    expect(lost.status).toBe('degraded')
    expect(lost.database.problems).toHaveLength(1)
    expect(lost.database.problems[0]).toContain(`数据库文件已被删除或替换（文件不存在）：${file}`)
    expect(lost.database.problems[0]).toContain('备份与恢复')
    const notice = await waitFor(() => wecom!.state.webhookMessages.find((m) => JSON.stringify(m.body).includes('数据库告警')), SLOW)
    expect((notice.body.text as { content: string }).content).toContain(file)
    const errors = await waitFor(() => { const e = loggedErrors(cli, /database file was deleted or replaced/); return e.length > 0 ? e : undefined }, SLOW)
    expect(errors[0]!.file).toBe(file)

    // Asked again: still degraded, but one error line and one notice, not one per check.
    expect((await health(url)).database.ok).toBe(false)
    expect((await health(url)).status).toBe('degraded')
    expect(loggedErrors(cli, /database file was deleted or replaced/)).toHaveLength(1)
    expect(wecom.state.webhookMessages.filter((m) => JSON.stringify(m.body).includes('数据库告警'))).toHaveLength(1)
    // Nothing is resurrected, not even at the stop.
    expect(await stop(cli)).toBe(0)
    expect(fs.existsSync(work.dataDir)).toBe(false)
  })

  it('a start after the data folder was deleted is refused with the restore steps, and creates nothing', { timeout: 300_000 }, async () => {
    const work = await makeWorkdir()
    const { file } = await installed(work)
    fs.rmSync(work.dataDir, { recursive: true, force: true })

    const refused = startCli(work)
    expect(await outcome(refused)).toBe(1)
    expect(refused.stderr()).toContain(`数据库文件不存在，QunDesk 拒绝新建空数据库 / The database file is missing, QunDesk refuses to create an empty one: ${file}`)
    expect(refused.stderr()).toMatch(/备份与恢复[\s\S]*-wal[\s\S]*qundesk start --new-database/)
    expect(refused.stderr()).toContain(path.join(testEnv(work).QUNDESK_STATE_DIR!, 'databases.json'))
    expect(fs.existsSync(file)).toBe(false)
    expect(fs.existsSync(work.dataDir)).toBe(false)
  })

  it('deleting only the .sqlite file (folder kept, state folder gone too) is refused by the marker next to it', { timeout: 300_000 }, async () => {
    const work = await makeWorkdir()
    const { file } = await installed(work)
    for (const f of [file, `${file}-wal`, `${file}-shm`]) fs.rmSync(f, { force: true })
    fs.rmSync(testEnv(work).QUNDESK_STATE_DIR!, { recursive: true, force: true })

    const refused = startCli(work)
    expect(await outcome(refused)).toBe(1)
    expect(refused.stderr()).toContain(`The database file is missing, QunDesk refuses to create an empty one: ${file}`)
    expect(refused.stderr()).toContain(`${file}.marker`)
    expect(fs.existsSync(file)).toBe(false)
  })

  it('start --new-database starts on an empty database where the old one was deleted, and later starts need no flag', { timeout: 600_000 }, async () => {
    const work = await makeWorkdir()
    const { file } = await installed(work)
    const before = JSON.parse(fs.readFileSync(`${file}.marker`, 'utf8')) as { since: string }
    // The demo admin is made only for a database without users: the restart keeps the first one's.
    const again = startCli(work)
    await urlOf(again)
    expect(again.stdout()).not.toContain('演示管理员')
    expect(await stop(again)).toBe(0)
    fs.rmSync(work.dataDir, { recursive: true, force: true })

    const fresh = startCli(work, ['--new-database'])
    const url = await urlOf(fresh)
    expect(fresh.stdout()).toContain('演示管理员')
    expect((await health(url)).database).toEqual({ ok: true, problems: [] })
    expect(fs.existsSync(file)).toBe(true)
    expect(await stop(fresh)).toBe(0)
    const after = JSON.parse(fs.readFileSync(`${file}.marker`, 'utf8')) as { since: string }
    expect(after.since > before.since).toBe(true)

    const plain = startCli(work)
    await urlOf(plain)
    expect(plain.stdout()).not.toContain('演示管理员')
  })

  it('the other commands that open the database refuse too, and --new-database goes with start only', { timeout: 120_000 }, async () => {
    const work = await makeWorkdir()
    await withWorkdirDb(work, async () => undefined)
    const file = loadConfig(testEnv(work)).databaseFile
    fs.rmSync(work.dataDir, { recursive: true, force: true })
    const run = async (args: string[]) => {
      const out: string[] = []
      const err: string[] = []
      const code = await runCli(args, { stdout: (t) => out.push(t), stderr: (t) => err.push(t), env: testEnv(work), cwd: work.dir })
      return { code, stderr: err.join('\n') }
    }
    for (const args of [['migrate'], ['audit', 'verify'], ['instances']]) {
      const refused = await run(args)
      expect(refused.code, args.join(' ')).toBe(1)
      expect(refused.stderr).toContain(`QunDesk refuses to create an empty one: ${file}`)
    }
    expect(await run(['migrate', '--new-database'])).toEqual({ code: 2, stderr: expect.stringContaining('--new-database 只能和 qundesk start 一起用') })
    expect(fs.existsSync(work.dataDir)).toBe(false)
  })
})
