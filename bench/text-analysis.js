// @ts-check
/**
 * bench/text-analysis: per-message cost of negative-emotion detection and entity extraction, against the cost of
 * normalising the same text for matching (the baseline, measured in the same run). Prints ratios; asserts nothing.
 *
 *   node bench/text-analysis.js
 */
import { performance } from 'node:perf_hooks'
import { detectEmotion } from '../dist/nlu/emotion/detect-emotion.js'
import { extractEntities } from '../dist/nlu/entities/extract-entities.js'
import { normalizeText } from '../dist/nlu/normalize-text.js'

const MESSAGES = [
  '我的快递到哪了', '怎么还没发货', '等了一个星期了还不发货，太过分了！！', '再不处理我就去12315投诉',
  '亲，这个尺码偏大还是偏小呀', '订单号：DD20261123001，明天能退我99.5元吗？电话138 1234 5678', '发票能开公司抬头的吗', '😡😡😡垃圾',
]
const RUNS = 200_000

/** @param {(text: string) => unknown} fn */
function perMessageUs(fn) {
  for (let i = 0; i < 20_000; i++) fn(MESSAGES[i % MESSAGES.length] ?? '')
  const start = performance.now()
  for (let i = 0; i < RUNS; i++) fn(MESSAGES[i % MESSAGES.length] ?? '')
  return ((performance.now() - start) / RUNS) * 1000
}

const baseline = perMessageUs(normalizeText)
const emotion = perMessageUs(detectEmotion)
const entities = perMessageUs((t) => extractEntities(t))
console.log(`bench/text-analysis  ${RUNS} messages each, node ${process.version}`)
console.log(`  baseline  normalizeText (matching's first step) : ${baseline.toFixed(2)} µs/message`)
console.log(`  emotion   detectEmotion                        : ${emotion.toFixed(2)} µs/message  (${(emotion / baseline).toFixed(2)}x baseline; goal < 50 µs)`)
console.log(`  entities  extractEntities                      : ${entities.toFixed(2)} µs/message  (${(entities / baseline).toFixed(2)}x baseline)`)
