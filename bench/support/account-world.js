// @ts-check
/**
 * One large account as bench/scale-account and test/integration/scale-account-small.test.ts build it: a mock
 * account in `groups` customer groups of `members` customers each (every customer in one group), served through
 * wechaty-puppet-service on loopback; QunDesk started as production runs it (`bin/qundesk.js start`, its own
 * process, SQLite in a temp folder, a generated knowledge folder) with its memory sampled from /proc; a bare
 * Wechaty bot on the same kind of world as the baseline; and a read-only view of QunDesk's SQLite file.
 */
import { fork, spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import SQLite from 'better-sqlite3'
import { PuppetMock, mock } from 'wechaty-puppet-mock'
import { PuppetServer } from 'wechaty-puppet-service'
import YAML from 'yaml'
import { generate } from './generated-knowledge.js'
import { BOT, until } from './mock-world.js'
import { freePort } from './service-world.js'

const ROOT = path.resolve(import.meta.dirname, '../..')
export const API_TOKEN = 'bench-account-token-0123456789'
process.env.WECHATY_PUPPET_SERVICE_NO_TLS_INSECURE_SERVER = 'true'
process.env.WECHATY_PUPPET_SERVICE_NO_TLS_INSECURE_CLIENT = 'true'

/**
 * The mock account behind its own puppet service. Contacts and rooms are made from full payloads: the Mocker's
 * createRoom() shuffles every contact known for each room (n log n per room: 25 s for 1,000 x 50 here).
 * `askedAt` maps each customer message id (as the puppet gives it) to when it was said; `ask(i)` has customer i
 * (over every group in turn) @ the bot; `drive(seconds, rate)` asks at `rate`/s; `burst(n)` asks n at once.
 * @param {{ groups: number; members: number; token: string; question?: (i: number) => string }} options
 */
export async function accountWorld({ groups, members, token, question = (i) => `订单地址怎么修改 ${i}` }) {
  const mocker = new mock.Mocker()
  const puppet = new PuppetMock({ mocker })
  const me = mocker.createContact({ name: BOT })
  /** @type {mock.RoomMock[]} */
  const rooms = []
  /** @type {mock.ContactMock[][]} */
  const people = []
  for (let g = 0; g < groups; g++) {
    /** @type {mock.ContactMock[]} */
    const inGroup = []
    for (let m = 0; m < members; m++) {
      inGroup.push(mocker.ContactMock.create({
        id: `c${g}-${m}`, name: `客户${g + 1}-${m + 1}`, gender: 1, type: 1, friend: false, star: false, phone: [], avatar: '',
      }))
    }
    people.push(inGroup)
    rooms.push(mocker.RoomMock.create({ id: `g${g}@chatroom`, topic: `客户群${g + 1}`, memberIdList: [me.id, ...inGroup.map((c) => c.id)], adminIdList: [], avatar: '' }))
  }
  /** @type {Map<string, number>} */
  const askedAt = new Map()
  for (const room of rooms) {
    /** @type {any} */ (room).on('message', (/** @type {mock.MessageMock} */ m) => { if (m.payload.talkerId !== me.id) askedAt.set(m.id, Date.now()) })
  }
  const endpoint = `127.0.0.1:${await freePort()}`
  const server = new PuppetServer({ endpoint, puppet, token })
  await server.start()
  /** When the account logged in (the bot's ready event follows at once): -1 until then. */
  let loggedInAt = -1
  const keepLoggedIn = setInterval(() => {
    if (puppet.state.active() && !puppet.isLoggedIn) {
      mocker.login(me)
      puppet.emit('ready', { data: 'ready' })
      if (loggedInAt < 0) loggedInAt = Date.now()
    }
  }, 20)
  let asked = 0
  /** Customer `i` (group i mod groups, then the next member of that group) asks; returns i. @param {number} i @param {string} text */
  const say = (i, text) => {
    const g = i % groups
    const customer = /** @type {mock.ContactMock} */ (people[g]?.[Math.floor(i / groups) % members])
    customer.say(`@${BOT}\u2005${text}`, [me]).to(/** @type {mock.RoomMock} */ (rooms[g]))
  }
  const ask = () => { say(asked, question(asked)); return ++asked }
  /** Asks at `rate`/s for `seconds`; returns how many were asked in all. @param {number} seconds @param {number} rate */
  const drive = async (seconds, rate) => {
    const started = Date.now()
    const from = asked
    const total = Math.round(seconds * rate)
    while (asked - from < total) {
      const due = Math.min(from + total, from + Math.floor(((Date.now() - started) / 1000) * rate))
      while (asked < due) ask()
      await new Promise((r) => setTimeout(r, 10))
    }
    return asked
  }
  /** @param {number} n */
  const burst = (n) => { for (let k = 0; k < n; k++) ask(); return asked }
  const stop = async () => { clearInterval(keepLoggedIn); await server.stop().catch(() => undefined) }
  return {
    endpoint, token, askedAt, groups, members, memberCount: groups * members, rooms, people, ask, drive, burst, stop,
    get loggedInAt() { return loggedInAt },
    get asked() { return asked },
  }
}

/**
 * Writes bench/support/generated-knowledge's `intents` as YAML files of `perFile` intents each (gen-000.yaml …)
 * into `dir`; returns the file paths and the generated queries.
 * @param {string} dir @param {number} intents @param {number} [perFile]
 */
export function writeGeneratedKnowledge(dir, intents, perFile = 50) {
  fs.mkdirSync(dir, { recursive: true })
  const { kb, queries } = generate(intents)
  /** @type {string[]} */
  const files = []
  for (let start = 0, n = 0; start < kb.intents.length; start += perFile, n++) {
    const file = path.join(dir, `gen-${String(n).padStart(3, '0')}.yaml`)
    const doc = { intents: kb.intents.slice(start, start + perFile).map((/** @type {{ id: string; examples: readonly string[]; answer: string }} */ i) => ({ id: i.id, examples: [...i.examples], answer: i.answer })) }
    fs.writeFileSync(file, YAML.stringify(doc))
    files.push(file)
  }
  return { files, queries }
}

/** An edit of one knowledge file as an agent would make it: one more example for its first intent. @param {string} file @param {string} example */
export function addExample(file, example) {
  const doc = YAML.parse(fs.readFileSync(file, 'utf8'))
  doc.intents[0].examples.push(example)
  fs.writeFileSync(file, YAML.stringify(doc))
}

/** A process's resident memory now and its high-water mark, in MB (from /proc; undefined once it exited). @param {number} pid */
export function memoryOf(pid) {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8')
    const kb = (/** @type {string} */ key) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN)
    return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 }
  } catch {
    return undefined
  }
}

/** CPU seconds a process has used so far (user + system, from /proc/PID/stat; NaN once it exited). @param {number} pid */
export function cpuSecondsOf(pid) {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ')
    return (Number(fields[11]) + Number(fields[12])) / 100 // utime, stime in clock ticks (USER_HZ = 100 on Linux)
  } catch {
    return NaN
  }
}

/**
 * Waits until a process has used less than `busy` of a core over `windowMs` (work it started in the background,
 * such as the full re-tag after a member sync, is done); returns how long that took (ms), or -1 at the timeout.
 * @param {number} pid
 */
export async function waitIdle(pid, { busy = 0.1, windowMs = 2000, timeoutMs = 600_000 } = {}) {
  const started = Date.now()
  let last = cpuSecondsOf(pid)
  while (Date.now() - started < timeoutMs) {
    await new Promise((r) => setTimeout(r, windowMs))
    const now = cpuSecondsOf(pid)
    if (!(now - last > (busy * windowMs) / 1000)) return Date.now() - started - windowMs
    last = now
  }
  return -1
}

/** Samples a process's VmRSS every `intervalMs`; `peak(from, to)` is the highest sample in that window. @param {number} pid */
export function sampleMemory(pid, intervalMs = 50) {
  /** @type {Array<[number, number]>} */
  const samples = []
  const take = () => { const m = memoryOf(pid); if (m) samples.push([Date.now(), m.rss]) }
  take()
  const timer = setInterval(take, intervalMs)
  return {
    samples,
    /** @param {number} from @param {number} [to] */
    peak: (from, to = Infinity) => samples.filter(([t]) => t >= from && t <= to).reduce((max, [, rss]) => Math.max(max, rss), 0),
    /** The last sample at or before `t`. @param {number} t */
    at: (t) => samples.filter(([at]) => at <= t).at(-1)?.[1] ?? NaN,
    now: () => memoryOf(pid),
    stop: () => clearInterval(timer),
  }
}

/** @param {import('node:child_process').ChildProcess} child @param {number} timeoutMs */
async function stopChild(child, timeoutMs = 30_000) {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise((r) => child.once('exit', r))
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
  await exited
  clearTimeout(timer)
}

/**
 * Starts `qundesk start` in its own process on the world's puppet service (SQLite in `dataDir`, knowledge from
 * `knowledgeDir`), without waiting; `ready()` resolves when /api/health says the channel is online and a knowledge
 * version is loaded. `nodeArgs` go before the script (e.g. --cpu-prof: Node 20 refuses it in NODE_OPTIONS).
 * @param {{ endpoint: string; token: string }} world
 * @param {{ dir: string; knowledgeDir: string; rulesDir?: string; nodeArgs?: string[]; env?: Record<string, string> }} options
 */
export async function startAccountBot(world, options) {
  const port = await freePort()
  const dataDir = path.join(options.dir, 'data')
  const startedAt = Date.now()
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), path.join(ROOT, 'bin/qundesk.js'), 'start'], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: {
      ...process.env, QUNDESK_KNOWLEDGE_DIR: options.knowledgeDir, QUNDESK_RULES_DIR: options.rulesDir ?? path.join(ROOT, 'rules'),
      QUNDESK_DATA_DIR: dataDir, QUNDESK_STATE_DIR: path.join(options.dir, 'state'),
      // wechaty-puppet-service keeps every payload it fetched in LevelDB under ~/.wechaty/<token>/<account>: in the temp folder, not the user's home.
      HOME: options.dir,
      QUNDESK_PORT: String(port), QUNDESK_API_TOKEN: API_TOKEN, QUNDESK_LOG_LEVEL: 'warn',
      WECHATY_PUPPET: 'wechaty-puppet-service', WECHATY_PUPPET_SERVICE_TOKEN: world.token, WECHATY_PUPPET_SERVICE_ENDPOINT: world.endpoint,
      ...options.env,
    },
  })
  let stderr = ''
  child.stderr?.on('data', (d) => { stderr = (stderr + String(d)).slice(-4000) })
  const pid = /** @type {number} */ (child.pid)
  const memory = sampleMemory(pid)
  /** @returns {Promise<{ channel: { state: string }; intents: number; knowledge: { version: number; ok: boolean } } | undefined>} */
  const health = async () => {
    const res = await fetch(`http://127.0.0.1:${port}/api/health`, { headers: { authorization: `Bearer ${API_TOKEN}` } }).catch(() => undefined)
    return res?.ok ? res.json() : undefined
  }
  let readyAt = -1
  const ready = async (timeoutMs = 600_000) => {
    await until(async () => {
      if (child.exitCode !== null) throw new Error(`qundesk exited with ${child.exitCode}: ${stderr}`)
      const h = await health()
      return h?.channel.state === 'online' && h.knowledge.version >= 1 && h.intents > 0
    }, timeoutMs)
    readyAt = Date.now()
    return readyAt - startedAt
  }
  const stop = async () => { memory.stop(); await stopChild(child) }
  /** True while the process runs; throws with its last stderr once it exited, so a wait on it fails instead of hanging. */
  const alive = () => {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`qundesk exited (code ${child.exitCode}, signal ${child.signalCode}): ${stderr}`)
    return true
  }
  return {
    child, pid, port, startedAt, memory, health, ready, stop, alive,
    databaseFile: path.join(dataDir, 'qundesk.sqlite'),
    get readyAt() { return readyAt },
    get stderr() { return stderr },
  }
}

/**
 * A bare Wechaty bot (bench/support/bare-bot.js) in its own process on the world's puppet service: the baseline.
 * `ready()` resolves with ms from spawn to its login; `walk()` lists every group's members as a member sync would
 * (ms); `received()` counts the mentions of the bot it got.
 * @param {{ endpoint: string; token: string }} world
 * @param {string} [home] its HOME (wechaty-puppet-service's payload cache goes there); a temp folder, removed on stop
 * @param {{ execArgv?: string[] }} [options] node options for the bot's process (e.g. a V8 flag, as bench/bare-steady tries)
 */
export function startBareBot(world, home = fs.mkdtempSync(path.join(os.tmpdir(), 'qundesk-bench-bare-')), options = {}) {
  const startedAt = Date.now()
  const child = fork(path.join(import.meta.dirname, 'bare-bot.js'), [], {
    execArgv: options.execArgv ?? process.execArgv,
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    env: { ...process.env, HOME: home, WECHATY_PUPPET_SERVICE_TOKEN: world.token, WECHATY_PUPPET_SERVICE_ENDPOINT: world.endpoint, NODE_OPTIONS: '' },
  })
  const pid = /** @type {number} */ (child.pid)
  const memory = sampleMemory(pid)
  let seq = 0
  /** @type {Map<number, { resolve: (value: any) => void; reject: (error: Error) => void }>} */
  const pending = new Map()
  /** @type {((at: number) => void) | undefined} */
  let onLogin
  /** @type {((error: Error) => void) | undefined} */
  let onNoLogin
  const loggedIn = new Promise((resolve, reject) => { onLogin = resolve; onNoLogin = reject })
  child.on('message', (/** @type {any} */ m) => {
    if (m.type === 'login') onLogin?.(m.at)
    else { pending.get(m.seq)?.resolve(m.value); pending.delete(m.seq) }
  })
  // The bare bot can die under heavy load (wechaty-puppet-service's "no grpc manager"): fail the bench then, rather
  // than wait for an answer that never comes.
  /** @type {Error | undefined} */
  let died
  child.on('exit', (code, signal) => {
    died = new Error(`the bare bot exited (code ${code}, signal ${signal}); its stderr is above`)
    onNoLogin?.(died)
    for (const p of pending.values()) p.reject(died)
    pending.clear()
  })
  /** @param {string} type @returns {Promise<any>} */
  const call = (type) => new Promise((resolve, reject) => {
    if (died) { reject(died); return }
    const s = ++seq
    pending.set(s, { resolve, reject })
    child.send({ type, seq: s })
  })
  return {
    child, pid, memory, startedAt,
    ready: async () => /** @type {number} */ (await loggedIn) - startedAt,
    /** @returns {Promise<{ ms: number; groups: number; members: number }>} */
    walk: () => call('walk'),
    /** @returns {Promise<number>} */
    received: () => call('received'),
    stop: async () => { memory.stop(); await stopChild(child); fs.rmSync(home, { recursive: true, force: true }) },
  }
}

/** Read-only queries on QunDesk's SQLite file (WAL: each query sees the last commit). @param {string} file */
export function storedData(file) {
  /** @type {SQLite.Database | undefined} */
  let db
  const open = () => {
    if (!db && fs.existsSync(file)) {
      try { db = new SQLite(file, { readonly: true, fileMustExist: true }) } catch { db = undefined }
    }
    return db
  }
  /** @param {string} query @param {unknown[]} params */
  const get = (query, ...params) => {
    const d = open()
    if (!d) return undefined
    try { return /** @type {any} */ (d.prepare(query).get(...params)) } catch { return undefined } // before the migrations ran
  }
  return {
    /** Current memberships (not left). */
    members: () => /** @type {number} */ (get('SELECT count(*) AS n FROM group_members WHERE left_at IS NULL')?.n ?? 0),
    suggestions: () => /** @type {number} */ (get('SELECT count(*) AS n FROM suggestions')?.n ?? 0),
    /** @returns {Array<{ group_id: string; member_id: string; member_name: string; group_name: string }>} */
    memberRows: () => /** @type {any} */ (open()?.prepare('SELECT group_id, member_id, member_name, group_name FROM group_members WHERE left_at IS NULL').all() ?? []),
    /** Suggestions per puppet message id (the id without QunDesk's `wechaty:` prefix), with when each was stored (ms). */
    storedAt: () => {
      /** @type {Map<string, { at: number; count: number }>} */
      const byMessage = new Map()
      for (const row of /** @type {Array<{ message_id: string; created_at: string }>} */ (open()?.prepare('SELECT message_id, created_at FROM suggestions').all() ?? [])) {
        const id = row.message_id.replace(/^wechaty:/, '')
        const seen = byMessage.get(id)
        byMessage.set(id, { at: Math.min(seen?.at ?? Infinity, Date.parse(row.created_at)), count: (seen?.count ?? 0) + 1 })
      }
      return byMessage
    },
    close: () => { db?.close(); db = undefined },
  }
}
