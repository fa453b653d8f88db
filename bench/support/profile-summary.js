// @ts-check
/**
 * Summarises a V8 profile written by node --cpu-prof (.cpuprofile: top functions by self time, and self time per
 * package) or --heap-prof (.heapprofile: top allocation sites by bytes sampled, and per package).
 *
 *   node bench/support/profile-summary.js <file.cpuprofile | file.heapprofile> [top=25]
 */
import fs from 'node:fs'

const file = process.argv[2]
const TOP = Number(process.argv[3] ?? 25)
if (!file) throw new Error('usage: node bench/support/profile-summary.js <file.cpuprofile | file.heapprofile> [top]')
const profile = JSON.parse(fs.readFileSync(file, 'utf8'))

/** node_modules/<package>, dist/<folder>, node:internal … @param {string} url */
function area(url) {
  if (!url) return '(native / vm)'
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)
  if (nm) return nm[1] ?? url
  const dist = /\/dist\/(.+?)\/[^/]+$/.exec(url)
  if (dist) return `qundesk ${dist[1]}`
  if (url.startsWith('node:')) return 'node internals'
  return url.replace(/^file:\/\//, '')
}
/** @param {{ functionName: string; url: string; lineNumber: number }} frame */
const where = (frame) => `${frame.functionName || '(anonymous)'}  ${frame.url.replace(/^file:\/\/.*?(node_modules|dist)\//, '$1/')}:${frame.lineNumber + 1}`

/** @param {Map<string, number>} map @param {number} total @param {string} unit @param {(v: number) => string} fmt */
function print(map, total, unit, fmt) {
  for (const [key, value] of [...map.entries()].sort((a, b) => b[1] - a[1]).slice(0, TOP)) {
    console.log(`  ${fmt(value).padStart(10)} ${((100 * value) / total).toFixed(1).padStart(5)}%  ${key}`)
  }
  console.log(`  ${fmt(total).padStart(10)}  total ${unit}`)
}

/** @param {Map<string, number>} map @param {string} key @param {number} v */
const add = (map, key, v) => map.set(key, (map.get(key) ?? 0) + v)

if (file.endsWith('.cpuprofile')) {
  /** @type {Map<number, any>} */
  const nodes = new Map(profile.nodes.map((/** @type {any} */ n) => [n.id, n]))
  /** @type {Map<number, number>} */
  const selfUs = new Map()
  for (let i = 0; i < profile.samples.length; i++) add(/** @type {any} */ (selfUs), profile.samples[i], profile.timeDeltas[i] ?? 0)
  /** @type {Map<string, number>} */
  const byFunction = new Map()
  /** @type {Map<string, number>} */
  const byArea = new Map()
  let total = 0
  for (const [id, us] of selfUs) {
    const frame = nodes.get(id).callFrame
    add(byFunction, where(frame), us)
    add(byArea, ['(idle)', '(program)', '(garbage collector)'].includes(frame.functionName) ? frame.functionName : area(frame.url), us)
    total += us
  }
  const ms = (/** @type {number} */ us) => `${(us / 1000).toFixed(0)} ms`
  console.log(`${file}: ${ms(profile.endTime - profile.startTime)} profiled`)
  console.log('self time by function:')
  print(byFunction, total, 'sampled', ms)
  console.log('self time by package / folder:')
  print(byArea, total, 'sampled', ms)
  // Inclusive time of QunDesk's own functions (dist/): what its code spends, callees included (each counted once
  // per sample even when recursive).
  /** @type {Map<number, number>} */
  const parent = new Map()
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
  /** @type {Map<string, number>} */
  const inclusive = new Map()
  for (const [id, us] of selfUs) {
    const seen = new Set()
    for (let at = /** @type {number | undefined} */ (id); at !== undefined; at = parent.get(at)) {
      const frame = nodes.get(at).callFrame
      if (!frame.url.includes('/dist/') || frame.url.includes('node_modules')) continue
      const key = where(frame)
      if (!seen.has(key)) { seen.add(key); add(inclusive, key, us) }
    }
  }
  console.log("QunDesk's functions (dist/), inclusive time:")
  print(inclusive, total, 'sampled', ms)
} else {
  /** @type {Map<string, number>} */
  const bySite = new Map()
  /** @type {Map<string, number>} */
  const byArea = new Map()
  let total = 0
  /** @param {any} node */
  const walk = (node) => {
    const bytes = (node.selfSize ?? 0)
    if (bytes > 0) {
      add(bySite, where(node.callFrame), bytes)
      add(byArea, area(node.callFrame.url), bytes)
      total += bytes
    }
    for (const child of node.children ?? []) walk(child)
  }
  walk(profile.head)
  const mb = (/** @type {number} */ b) => `${(b / 1048576).toFixed(1)} MB`
  console.log(`${file}: allocations still live when the profile was written (sampled)`)
  console.log('by allocation site:')
  print(bySite, total, 'live', mb)
  console.log('by package / folder:')
  print(byArea, total, 'live', mb)
}
