// @ts-check
/**
 * bench/pipeline: throughput from a mock customer's @-mention to a stored, decided message (suggestion, auto-send, slot question or hand-over), against a bare Wechaty
 * mock bot that only receives (the baseline, measured in the same run), plus intent-match latency on the shipped
 * knowledge base. Prints figures and ratios; asserts nothing.
 *
 *   npm run bench            (all benches)
 *   node bench/pipeline.js [messages=2000]
 */
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { WechatyBuilder } from 'wechaty'
import { loadConfig } from '../dist/config/load-config.js'
import { newContentKeyEntry } from '../dist/storage/content-cipher.js'
import { createLogger } from '../dist/core/logger.js'
import { startQunDesk } from '../dist/main.js'
import { loadKnowledge } from '../dist/knowledge/load-knowledge.js'
import { trainIntentMatcher } from '../dist/nlu/intent-matcher.js'
import { DEMO_QUESTIONS } from '../dist/channels/wechaty/demo/demo-script.js'
import { until, world } from './support/mock-world.js'

const ROOT = path.resolve(import.meta.dirname, '..')
const N = Number(process.argv[2] ?? 2000)

async function bareWechaty() {
  const w = world()
  const bot = WechatyBuilder.build({ puppet: w.puppet })
  bot.on('error', () => {})
  let received = 0
  bot.on('message', async (m) => { if (!m.self() && (await m.mentionSelf())) received++ })
  await bot.start(); w.login()
  await until(() => bot.isLoggedIn)
  const t0 = performance.now()
  for (let i = 0; i < N; i++) w.ask(i)
  await until(() => received >= N)
  const ms = performance.now() - t0
  await bot.stop()
  return ms
}

/** @param {Record<string, string>} [extraEnv] */
async function qundesk(extraEnv = {}) {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'qundesk-bench-'))
  const w = world()
  const config = loadConfig({ QUNDESK_DATA_DIR: dir, QUNDESK_KNOWLEDGE_DIR: path.join(ROOT, 'knowledge'), QUNDESK_PORT: '0', QUNDESK_API_TOKEN: 'bench-token-0123456789', QUNDESK_LOG_LEVEL: 'silent', ...extraEnv })
  const app = await startQunDesk(config, { puppet: w.puppet, logger: createLogger({ level: 'silent' }) })
  w.login()
  await until(() => app.channel.isLoggedIn())
  // Handled = stored and decided (suggestion, auto-send, slot question or hand-over): the demo questions mix all four.
  const count = async () => Number((await app.db.selectFrom('messages').where('status', '!=', 'received').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)
  const t0 = performance.now()
  for (let i = 0; i < N; i++) w.ask(i)
  await until(async () => (await count()) >= N)
  const ms = performance.now() - t0
  await app.stop()
  await fs.rm(dir, { recursive: true, force: true })
  return ms
}

async function matchLatency() {
  const loaded = await loadKnowledge(path.join(ROOT, 'knowledge'))
  if (!loaded.ok) throw new Error('shipped knowledge is invalid')
  const t0 = performance.now()
  const matcher = await trainIntentMatcher(loaded.kb)
  const trainMs = performance.now() - t0
  const questions = [...DEMO_QUESTIONS, ...loaded.kb.intents.flatMap((i) => i.examples.slice(0, 2).map((e) => `${e}啊`))]
  for (const q of questions) await matcher.match(q) // warm up
  /** @type {number[]} */
  const times = []
  for (let round = 0; round < 20; round++) {
    for (const q of questions) {
      const s = performance.now()
      await matcher.match(q)
      times.push(performance.now() - s)
    }
  }
  times.sort((a, b) => a - b)
  const at = (/** @type {number} */ p) => times[Math.min(times.length - 1, Math.floor(p * times.length))] ?? NaN
  return { trainMs, intents: loaded.kb.intents.length, samples: times.length, median: at(0.5), p99: at(0.99) }
}

const baselineMs = await bareWechaty()
const qundeskMs = await qundesk()
// The same run with stored content encrypted (AES-256-GCM): what QUNDESK_CONTENT_KEYS costs.
const sealedMs = await qundesk({ QUNDESK_CONTENT_KEYS: newContentKeyEntry('bench') })
const match = await matchLatency()
const rate = (/** @type {number} */ ms) => (N / ms) * 1000
console.log(`bench/pipeline  messages=${N}  node ${process.version}  ${os.cpus().length} cpus`)
console.log(`  baseline  bare Wechaty mock bot, receive + mentionSelf : ${rate(baselineMs).toFixed(0)} msg/s (${baselineMs.toFixed(0)} ms)`)
console.log(`  qundesk   @-mention -> stored and decided              : ${rate(qundeskMs).toFixed(0)} msg/s (${qundeskMs.toFixed(0)} ms)`)
console.log(`  ratio     qundesk / baseline                           : ${(rate(qundeskMs) / rate(baselineMs)).toFixed(2)}x`)
console.log(`  sealed    same, QUNDESK_CONTENT_KEYS set (AES-256-GCM)  : ${rate(sealedMs).toFixed(0)} msg/s (${sealedMs.toFixed(0)} ms), ${(rate(sealedMs) / rate(qundeskMs)).toFixed(2)}x of unencrypted`)
console.log(`  match     ${match.intents} intents, ${match.samples} samples: median ${match.median.toFixed(3)} ms, p99 ${match.p99.toFixed(3)} ms, train ${match.trainMs.toFixed(0)} ms`)
