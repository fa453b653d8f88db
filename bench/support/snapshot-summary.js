// @ts-check
/**
 * Summarises a V8 heap snapshot (.heapsnapshot, as written by node --heapsnapshot-signal or v8.writeHeapSnapshot):
 * the live JS heap it holds, and self size by node type and constructor name, largest first. Self size only: no
 * retained sizes (that needs the dominator tree; open the file in Chrome DevTools for those).
 *
 *   node --max-old-space-size=8000 bench/support/snapshot-summary.js <file.heapsnapshot> [top=30]
 */
import fs from 'node:fs'

const file = process.argv[2]
const TOP = Number(process.argv[3] ?? 30)
if (!file) throw new Error('usage: node bench/support/snapshot-summary.js <file.heapsnapshot> [top]')
const snapshot = JSON.parse(fs.readFileSync(file, 'utf8'))
const meta = snapshot.snapshot.meta
const fields = /** @type {string[]} */ (meta.node_fields)
const types = /** @type {string[]} */ (meta.node_types[0])
const width = fields.length
const [typeAt, nameAt, sizeAt] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f))
const nodes = /** @type {number[]} */ (snapshot.nodes)
const strings = /** @type {string[]} */ (snapshot.strings)

/** @type {Map<string, { count: number; bytes: number }>} */
const byName = new Map()
/** @type {Map<string, number>} */
const byType = new Map()
let total = 0
for (let i = 0; i < nodes.length; i += width) {
  const type = types[/** @type {number} */ (nodes[i + /** @type {number} */ (typeAt)])] ?? '?'
  const size = /** @type {number} */ (nodes[i + /** @type {number} */ (sizeAt)])
  total += size
  byType.set(type, (byType.get(type) ?? 0) + size)
  // Objects and closures by constructor / function name; strings, code, arrays and the rest by their type.
  const name = type === 'object' || type === 'closure' || type === 'native' ? `${type} ${strings[/** @type {number} */ (nodes[i + /** @type {number} */ (nameAt)])]}` : type
  const entry = byName.get(name) ?? { count: 0, bytes: 0 }
  entry.count++
  entry.bytes += size
  byName.set(name, entry)
}
const mb = (/** @type {number} */ b) => `${(b / 1024 / 1024).toFixed(1).padStart(7)} MB`
console.log(`${file}: ${mb(total)} live in ${nodes.length / width} nodes`)
console.log('self size by node type:')
for (const [type, bytes] of [...byType].sort((a, b) => b[1] - a[1])) console.log(`  ${mb(bytes)}  ${type}`)
console.log(`self size by constructor (top ${TOP}):`)
for (const [name, { count, bytes }] of [...byName].sort((a, b) => b[1].bytes - a[1].bytes).slice(0, TOP)) {
  console.log(`  ${mb(bytes)}  ${String(count).padStart(8)}  ${name.slice(0, 100)}`)
}
