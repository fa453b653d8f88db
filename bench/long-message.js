// @ts-check
/**
 * bench/long-message: WeCom acknowledgement latency (signed app callbacks, back to back, over loopback HTTP) while a
 * 1 MB customer message goes through the mock puppet and a 1 MB WeCom POST arrives, against the same acks with
 * nothing else happening (the baseline, measured in the same run). Also how long the 1 MB message takes to be
 * handled (stored cut, matched, drafted). Prints figures (ms) and ratios; asserts nothing. WeCom waits 5 s.
 *
 *   node bench/long-message.js [acks=40]
 */
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { encrypt as wecomEncrypt, getSignature } from '@wecom/crypto'
import { loadConfig } from '../dist/config/load-config.js'
import { createLogger } from '../dist/core/logger.js'
import { startQunDesk } from '../dist/main.js'
import { BOT, until, world } from './support/mock-world.js'

const ROOT = path.resolve(import.meta.dirname, '..')
const ACKS = Number(process.argv[2] ?? 40)
// WeCom's official WXBizMsgCrypt sample settings (as in test/integration/wecom-callback.test.ts).
const TOKEN = 'QDG6eK'
const AES_KEY = 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C'
const CORP_ID = 'wx5823bf96d3bd56c7'
const ONE_MB = 1024 * 1024
const EVENT = (/** @type {number} */ n) => `<xml><ToUserName><![CDATA[${CORP_ID}]]></ToUserName><FromUserName><![CDATA[sys]]></FromUserName><CreateTime>${1403610600 + n}</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[change_external_chat]]></Event><ChatId><![CDATA[wrOgQhDgAAcwMTB7YmDkbeBsgT_KAAAA]]></ChatId><ChangeType><![CDATA[create]]></ChangeType></xml>`

/** @param {string} base @param {string} plaintext */
async function ack(base, plaintext) {
  const encrypt = wecomEncrypt(AES_KEY, plaintext, CORP_ID)
  const nonce = String(Math.floor(Math.random() * 1e9))
  const query = new URLSearchParams({ msg_signature: getSignature(TOKEN, '1409659589', nonce, encrypt), timestamp: '1409659589', nonce })
  const start = performance.now()
  const res = await fetch(`${base}/wecom/callback?${query}`, { method: 'POST', body: `<xml><ToUserName><![CDATA[${CORP_ID}]]></ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt><AgentID>1</AgentID></xml>`, headers: { 'content-type': 'text/xml' } })
  await res.text()
  if (res.status !== 200) throw new Error(`ack answered ${res.status}`)
  return performance.now() - start
}

/** @param {number[]} ms */
const stats = (ms) => {
  const sorted = [...ms].sort((a, b) => a - b)
  return { median: sorted[Math.floor(sorted.length / 2)] ?? NaN, max: sorted[sorted.length - 1] ?? NaN }
}

const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'qundesk-bench-'))
const w = world()
const config = loadConfig({
  QUNDESK_DATA_DIR: dir, QUNDESK_KNOWLEDGE_DIR: path.join(ROOT, 'knowledge'), QUNDESK_PORT: '0', QUNDESK_API_TOKEN: 'bench-token-0123456789', QUNDESK_LOG_LEVEL: 'silent',
  QUNDESK_WECOM_CALLBACK_TOKEN: TOKEN, QUNDESK_WECOM_ENCODING_AES_KEY: AES_KEY, QUNDESK_WECOM_CORP_ID: CORP_ID,
})
const app = await startQunDesk(config, { puppet: w.puppet, logger: createLogger({ level: 'silent' }) })
w.login()
await until(() => app.channel.isLoggedIn())
let n = 0
for (let i = 0; i < 20; i++) await ack(app.url, EVENT(n++)) // warm up (JIT, connection)

/** @type {number[]} */
const quiet = []
for (let i = 0; i < ACKS; i++) quiet.push(await ack(app.url, EVENT(n++)))

const handled = async () => (await app.db.selectFrom('messages').select('status').where('status', '!=', 'received').executeTakeFirst()) !== undefined
const big = '我的快递到哪了？😀'.repeat(Math.ceil(ONE_MB / 10)).slice(0, ONE_MB)
const t0 = performance.now()
w.say(0, `@${BOT}\u2005${big}`)
const refused = (async () => {
  const start = performance.now()
  const res = await fetch(`${app.url}/wecom/callback?msg_signature=x&timestamp=1&nonce=1`, { method: 'POST', body: 'A'.repeat(ONE_MB), headers: { 'content-type': 'text/xml' } })
  await res.text()
  return { status: res.status, ms: performance.now() - start }
})()
/** @type {number[]} */
const busy = []
let handledMs = NaN
while (busy.length < ACKS || Number.isNaN(handledMs)) {
  busy.push(await ack(app.url, EVENT(n++)))
  if (Number.isNaN(handledMs) && (await handled())) handledMs = performance.now() - t0
}
const big413 = await refused
const row = await app.db.selectFrom('messages').select(['text', 'text_original_length']).executeTakeFirstOrThrow()
await app.stop()
await fs.rm(dir, { recursive: true, force: true })

const q = stats(quiet)
const b = stats(busy)
console.log(`bench/long-message  acks=${ACKS}  node ${process.version}  ${os.cpus().length} cpus`)
console.log(`  baseline  WeCom ack, nothing else happening            : median ${q.median.toFixed(1)} ms, max ${q.max.toFixed(1)} ms`)
console.log(`  busy      WeCom ack during a 1 MB message (${busy.length} acks)   : median ${b.median.toFixed(1)} ms, max ${b.max.toFixed(1)} ms`)
console.log(`  ratio     busy / baseline                              : median ${(b.median / q.median).toFixed(2)}x, max ${(b.max / q.max).toFixed(2)}x`)
console.log(`  message   1 MB @-mention -> handled                    : ${handledMs.toFixed(0)} ms (stored ${row.text.length} of ${row.text_original_length} characters)`)
console.log(`  refused   1 MB WeCom POST                              : ${big413.status} in ${big413.ms.toFixed(1)} ms`)
