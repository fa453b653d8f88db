import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import type { EventEmitter } from 'node:events'
import { PuppetMock, mock } from 'wechaty-puppet-mock'
import { loadConfig, type Env } from '../../src/config/load-config.js'
import { createLogger, type Logger } from '../../src/core/logger.js'
import { startQunDesk, type QunDesk } from '../../src/main.js'
import type { Clock } from '../../src/core/clock.js'
import { openDb, type Db } from '../../src/storage/create-db.js'
import { freshDatabaseUrl } from '../support/test-database.js'

export const TEST_TOKEN = 'test-token-0123456789abcdef'
export const FIXTURES = path.resolve(import.meta.dirname, '../fixtures')
export const BOT_NAME = '客服助手'

export interface Workdir {
  dir: string
  kbDir: string
  dataDir: string
  /** When the suite runs on PostgreSQL (QUNDESK_TEST_DATABASE=postgres): this workdir's own fresh database. */
  databaseUrl?: string
}

/** A fresh temp folder with a copy of a knowledge fixture, so tests may edit it; and a fresh database on PostgreSQL runs. */
export async function makeWorkdir(kbFixture = 'kb-small-shop'): Promise<Workdir> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'qundesk-test-'))
  const kbDir = path.join(dir, 'knowledge')
  await fs.cp(path.join(FIXTURES, kbFixture), kbDir, { recursive: true })
  const databaseUrl = await freshDatabaseUrl()
  return { dir, kbDir, dataDir: path.join(dir, 'data'), ...(databaseUrl ? { databaseUrl } : {}) }
}

/**
 * Writes a `matching:` band into the workdir's knowledge. The calibrated default (0.49) leaves many of the small
 * fixture's paraphrases to a human; tests about something else than thresholds ask for the band they assume.
 */
export async function useBand(work: { kbDir: string }, suggest = 0.25): Promise<void> {
  await fs.writeFile(path.join(work.kbDir, 'matching.yaml'), `matching:\n  suggest: ${suggest}\n`)
}

/** Copies a rules fixture (test/fixtures/rules/<name>) into the workdir, where testEnv points QUNDESK_RULES_DIR. */
export async function useRules(work: { kbDir: string }, fixture: string): Promise<string> {
  const rulesDir = path.join(path.dirname(work.kbDir), 'rules')
  await fs.cp(path.join(FIXTURES, 'rules', fixture), rulesDir, { recursive: true })
  return rulesDir
}

export function testEnv(work: { kbDir: string; dataDir: string; databaseUrl?: string }, extra: Env = {}): Env {
  return {
    QUNDESK_DATA_DIR: work.dataDir,
    // The database markers (database-marker.ts) stay in the workdir: no test writes to the real ~/.local/state.
    QUNDESK_STATE_DIR: path.join(path.dirname(work.kbDir), 'state'),
    ...(work.databaseUrl ? { QUNDESK_DATABASE_URL: work.databaseUrl } : {}),
    QUNDESK_KNOWLEDGE_DIR: work.kbDir,
    // Tagging is off unless a test puts rules here (useRules); the repo's own rules/ are never picked up.
    QUNDESK_RULES_DIR: path.join(path.dirname(work.kbDir), 'rules'),
    QUNDESK_PORT: '0',
    QUNDESK_API_TOKEN: TEST_TOKEN,
    QUNDESK_LOG_LEVEL: 'silent',
    // Sends go out at once unless a test is about pacing (test/integration/outbox.test.ts).
    QUNDESK_SEND_GROUP_INTERVAL_MS: '0',
    QUNDESK_SEND_GLOBAL_INTERVAL_MS: '0',
    QUNDESK_SEND_JITTER_MS: '0',
    ...extra,
  }
}

export interface MockWorld {
  mocker: mock.Mocker
  puppet: PuppetMock
  me: mock.ContactMock
  alice: mock.ContactMock
  bob: mock.ContactMock
  room: mock.RoomMock
  /** Texts the bot said in the room, in order. */
  said: string[]
  /** Has a customer @-mention the bot in the room (with the puppet's mention list, like a real client). */
  ask(customer: mock.ContactMock, question: string, options?: { mentionList?: boolean }): void
  /** Logs the bot in; call after the app started the bot. */
  login(): void
}

/** A Mocker with the bot account, two customers and one customer group. */
/**
 * A mock account in a group with two customers. Pass `sameAs` for the same account, people and group again in a
 * fresh mocker (a puppet cannot be started twice): the account coming back after its process was stopped.
 */
export function createMockWorld(sameAs?: MockWorld): MockWorld {
  const mocker = new mock.Mocker()
  const puppet = new PuppetMock({ mocker })
  const me = mocker.createContact({ name: BOT_NAME, ...(sameAs ? { id: sameAs.me.id } : {}) })
  const alice = mocker.createContact({ name: '张三', ...(sameAs ? { id: sameAs.alice.id } : {}) })
  const bob = mocker.createContact({ name: '李四', ...(sameAs ? { id: sameAs.bob.id } : {}) })
  const room = mocker.createRoom({ topic: 'VIP客户群', memberIdList: [me.id, alice.id, bob.id], ...(sameAs ? { id: sameAs.room.id } : {}) })
  const said: string[] = []
  ;(room as unknown as EventEmitter).on('message', (m: mock.MessageMock) => {
    if (m.payload.talkerId === me.id) said.push(m.payload.text ?? '')
  })
  return {
    mocker, puppet, me, alice, bob, room, said,
    ask(customer, question, options = {}) {
      const mentions = options.mentionList === false ? [] : [me]
      customer.say(`@${BOT_NAME}\u2005${question}`, mentions).to(room)
    },
    login() {
      mocker.login(me)
      puppet.emit('ready', { data: 'ready' })
    },
  }
}

export interface TestApp {
  app: QunDesk
  world: MockWorld
  api<T = unknown>(method: string, url: string, body?: unknown, token?: string | null): Promise<{ status: number; body: T }>
  stop(): Promise<void>
}

/** Starts the whole app on a fresh database and temp knowledge copy, with a logged-in mock account. */
export async function startTestApp(work: { kbDir: string; dataDir: string; databaseUrl?: string }, options: { env?: Env; world?: MockWorld; clock?: Clock; logger?: Logger } = {}): Promise<TestApp> {
  const world = options.world ?? createMockWorld()
  const config = loadConfig(testEnv(work, options.env))
  const app = await startQunDesk(config, { puppet: world.puppet, logger: options.logger ?? createLogger({ level: 'silent' }), ...(options.clock ? { clock: options.clock } : {}) })
  world.login()
  await waitFor(() => app.channel.isLoggedIn())
  return {
    app,
    world,
    api: (method, url, body, token) => callApi(app.url, method, url, body, token === undefined ? TEST_TOKEN : token),
    stop: () => app.stop(),
  }
}

export async function callApi<T>(base: string, method: string, url: string, body?: unknown, token: string | null = TEST_TOKEN): Promise<{ status: number; body: T }> {
  const headers: Record<string, string> = {}
  if (token) headers.authorization = `Bearer ${token}`
  if (body !== undefined) headers['content-type'] = 'application/json'
  const response = await fetch(`${base}${url}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) })
  const text = await response.text()
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T }
}

/** Polls until the condition holds (or throws after the timeout): for effects that cross the puppet's event loop. */
export async function waitFor<T>(condition: () => T | Promise<T>, { timeoutMs = 10_000, intervalMs = 20 } = {}): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs
  let last: T | undefined
  while (Date.now() < deadline) {
    last = await condition()
    if (last) return last as NonNullable<T>
    await new Promise((r) => setTimeout(r, intervalMs))
  }
  throw new Error(`waitFor: condition not met within ${timeoutMs} ms (last value: ${JSON.stringify(last)})`)
}

/** Opens the workdir's database as QunDesk and its CLI would (from the test env), runs `fn`, closes it. */
export async function withWorkdirDb<T>(work: { kbDir: string; dataDir: string; databaseUrl?: string }, fn: (db: Db) => Promise<T>): Promise<T> {
  const db = await openDb(loadConfig(testEnv(work)))
  try {
    return await fn(db)
  } finally {
    await db.destroy()
  }
}
