// @ts-check
/**
 * bench/scale-account: one large account (issue 19). A mock account in `groups` groups of `members` customers,
 * served through wechaty-puppet-service on loopback; QunDesk as production runs it (`bin/qundesk.js start` in its
 * own process, SQLite in a temp folder, a generated knowledge folder of `intents` intents, the repo's tagging rules),
 * its memory sampled from /proc/PID/status. Each figure is printed with its baseline measured in the same run,
 * mostly a bare Wechaty bot (bench/support/bare-bot.js) in its own process on an identical world:
 *
 *   - member sync at start: time from the login to the last membership stored, RSS before and peak, against the
 *     bare bot listing every group's members (Room.findAll + memberAll + topic, nothing stored);
 *   - cold start to ready (health: channel online, knowledge loaded) at 100 and at `intents` intents, vs the bare
 *     bot's spawn-to-login;
 *   - @ -> stored suggestion rate for a burst of `burst` questions, vs the bare bot receiving the same burst;
 *   - `questions` questions over every group in `window` seconds: stored by the end of the window, stored within
 *     5 s of being asked, lag p50/p99/max;
 *   - hot reload: an example added to one knowledge file while questions keep arriving (20/s): time until
 *     /api/health's knowledge.version increments, and questions asked meanwhile that were never stored;
 *   - steady RSS after the traffic, vs the bare bot's after its burst;
 *   - the RSS breakdown: bench/support/rss-steps.js (RSS after a full GC as each part is loaded in one process) and
 *     QunDesk with `intents` intents on a 10-group account, vs the bare bot there;
 *   - match p99 at `intents` intents, vs 100 intents (rss-steps' in-process matcher).
 *
 * Asserts nothing. The goals of issue 19 are printed beside the figures (they are for 1,000 x 50 and 1,000 intents).
 *
 *   node bench/scale-account.js [groups=1000] [members=50] [intents=1000] [questions=3000] [window=90] [burst=2000]
 *   node bench/scale-account.js 50 10 100 300 10 200     (a couple of minutes)
 *   SCALE_ACCOUNT_PROFILE=snapshot|gc node bench/scale-account.js 1000 50 1000
 *       runs QunDesk's phases only; at the steady point writes a heap snapshot (snapshot-summary.js sums it), or
 *       prints V8's heap figures before and after a forced full GC (bench/support/gc-on-signal.js).
 *   SCALE_ACCOUNT_PROFILE=cpu|heap node bench/scale-account.js 200 50 1000
 *       profiles the QunDesk child (node --cpu-prof / --heap-prof) from its start to the end of its member
 *       sync, stops there and prints where the profile is; summarise it with bench/support/profile-summary.js.
 *       SCALE_ACCOUNT_PROFILE_UNTIL=burst goes on through the burst of @ (after the sync and the re-tag).
 */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { accountWorld, addExample, startAccountBot, startBareBot, storedData, waitIdle, writeGeneratedKnowledge } from './support/account-world.js'
import { generate } from './support/generated-knowledge.js'
import { until } from './support/mock-world.js'

const [GROUPS = 1000, MEMBERS = 50, INTENTS = 1000, QUESTIONS = 3000, WINDOW = 90, BURST = 2000] = process.argv.slice(2).map(Number)
const PROFILE = process.env.SCALE_ACCOUNT_PROFILE
/** `burst`: the profile goes on through the @ burst (after the sync and the re-tag behind it). */
const PROFILE_UNTIL = process.env.SCALE_ACCOUNT_PROFILE_UNTIL ?? 'sync'
const RELOAD_RATE = 20
const SMALL_GROUPS = 10

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'qundesk-bench-scale-account-'))
const paraphrases = generate(Math.max(INTENTS, 100)).queries.filter((q) => q.expect !== null).map((q) => q.text)
const question = (/** @type {number} */ i) => paraphrases[i % paraphrases.length] ?? '订单地址怎么修改'
let worlds = 0
/** @param {number} groups */
const newWorld = (groups) => accountWorld({ groups, members: MEMBERS, token: `insecure_qundesk-bench-account-${++worlds}`, question })
/** A knowledge folder of `intents` generated intents (50 per file). @param {number} intents */
const knowledgeFolder = (intents) => {
  const dir = path.join(tmp, `knowledge-${intents}-${worlds}`)
  return { dir, ...writeGeneratedKnowledge(dir, intents) }
}
const mb = (/** @type {number} */ v) => `${v.toFixed(0)} MB`
const s = (/** @type {number} */ ms) => `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`
const x = (/** @type {number} */ a, /** @type {number} */ b) => `${(a / b).toFixed(2)}x`
const sleep = (/** @type {number} */ ms) => new Promise((r) => setTimeout(r, ms))
/** Where a process's resident memory is (anonymous: heaps and malloc; file: mapped code), in MB, from /proc. @param {number} pid */
function memoryRollup(pid) {
  try {
    const text = fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8')
    const kb = (/** @type {string} */ key) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN) / 1024
    return { rss: kb('Rss'), anonymous: kb('Anonymous'), file: kb('Rss') - kb('Anonymous') }
  } catch { return undefined }
}
/** A heap snapshot of the child (started with --heapsnapshot-signal): its path once written. @param {number} pid @param {string} dir */
async function heapSnapshot(pid, dir) {
  const before = new Set(fs.readdirSync(dir))
  process.kill(pid, 'SIGUSR2')
  let last = -1
  for (;;) {
    await sleep(2000)
    if (!fs.existsSync(`/proc/${pid}`)) throw new Error('qundesk exited while writing its heap snapshot')
    const file = (fs.existsSync(dir) ? fs.readdirSync(dir) : []).find((f) => f.endsWith('.heapsnapshot') && !before.has(f))
    if (!file) continue
    const size = fs.statSync(path.join(dir, file)).size
    if (size > 0 && size === last) return path.join(dir, file)
    last = size
  }
}
/** @param {number[]} sorted @param {number} p */
const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? NaN

/** bench/support/rss-steps.js in its own process. @param {number} intents */
function rssSteps(intents) {
  const r = spawnSync(process.execPath, ['--expose-gc', path.join(import.meta.dirname, 'support/rss-steps.js'), String(intents)], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } })
  if (r.status !== 0) throw new Error(`rss-steps failed: ${r.stderr}`)
  return /** @type {{ steps: Array<{ step: string; rss: number; heap: number }>; match: { median: number; p99: number; quietestP99: number; samples: number } }} */ (JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '{}'))
}

/**
 * Waits until every question asked so far has a stored suggestion (or the timeout); returns the suggestions per message.
 * @param {Awaited<ReturnType<typeof newWorld>>} world @param {ReturnType<typeof storedData>} stored @param {{ alive(): boolean }} bot
 */
async function allStored(world, stored, bot, timeoutMs = 600_000) {
  await until(() => bot.alive() && stored.suggestions() >= world.asked, timeoutMs).catch((error) => { bot.alive(); void error })
  return stored.storedAt()
}

/** The bare Wechaty bot's figures on a world of `groups` groups. @param {number} groups @param {number} burst */
async function bareBaseline(groups, burst) {
  const world = await newWorld(groups)
  const bot = startBareBot(world)
  try {
    const coldMs = await bot.ready()
    await sleep(500)
    const beforeWalk = bot.memory.now()?.rss ?? NaN
    const walkStart = Date.now()
    const walk = await bot.walk()
    const walkPeak = bot.memory.peak(walkStart)
    const t0 = Date.now()
    world.burst(burst)
    await until(async () => (await bot.received()) >= burst, 600_000)
    const burstMs = Date.now() - t0
    await sleep(3000)
    return { coldMs, beforeWalk, walk, walkPeak, burstMs, steady: bot.memory.now() ?? { rss: NaN, hwm: NaN }, steadyRollup: memoryRollup(bot.pid) }
  } finally {
    await bot.stop()
    await world.stop()
  }
}

/** QunDesk's cold start (and nothing else) at `intents` intents on a fresh world. @param {number} intents */
async function coldStart(intents) {
  const world = await newWorld(GROUPS)
  const kb = knowledgeFolder(intents)
  const bot = await startAccountBot(world, { dir: fs.mkdtempSync(path.join(tmp, 'cold-')), knowledgeDir: kb.dir })
  try {
    return { ms: await bot.ready(), rss: bot.memory.now()?.rss ?? NaN }
  } finally {
    await bot.stop()
    await world.stop()
  }
}

/** QunDesk at `intents` intents on a 10-group account after a short burst: the "10 groups" memory figure. */
async function smallAccount() {
  const world = await newWorld(SMALL_GROUPS)
  const kb = knowledgeFolder(INTENTS)
  const bot = await startAccountBot(world, { dir: fs.mkdtempSync(path.join(tmp, 'small-')), knowledgeDir: kb.dir })
  const stored = storedData(bot.databaseFile)
  try {
    await bot.ready()
    await until(() => bot.alive() && stored.members() >= SMALL_GROUPS * MEMBERS, 120_000)
    world.burst(200)
    await allStored(world, stored, bot, 120_000)
    await sleep(5000)
    return { steady: bot.memory.now() ?? { rss: NaN, hwm: NaN }, intents: (await bot.health())?.intents }
  } finally {
    stored.close()
    await bot.stop()
    await world.stop()
  }
}

/** The main run: QunDesk at `intents` intents on the large world, phase after phase. */
async function mainRun() {
  const world = await newWorld(GROUPS)
  const kb = knowledgeFolder(INTENTS)
  const profileDir = path.join(tmp, 'profile')
  const nodeArgs = PROFILE === 'cpu' ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`]
    : PROFILE === 'heap' ? ['--heap-prof', `--heap-prof-dir=${profileDir}`]
      : PROFILE === 'snapshot' ? ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${profileDir}`]
        : PROFILE === 'gc' ? ['--expose-gc', '--import', path.join(import.meta.dirname, 'support/gc-on-signal.js')] : []
  // The child writes its snapshot there: node does not create the folder (a missing one kills the process on the signal).
  if (PROFILE) fs.mkdirSync(profileDir, { recursive: true })
  const gcFile = path.join(profileDir, 'gc.jsonl')
  const bot = await startAccountBot(world, { dir: fs.mkdtempSync(path.join(tmp, 'main-')), knowledgeDir: kb.dir, nodeArgs, ...(PROFILE === 'gc' ? { env: { SCALE_ACCOUNT_GC_FILE: gcFile } } : {}) })
  const stored = storedData(bot.databaseFile)
  /** @type {Record<string, any>} */
  const r = { profileDir: PROFILE ? profileDir : undefined }
  try {
    r.coldMs = await bot.ready()
    // Member sync: from the login (its ready event starts the sync) to the last membership stored.
    await until(() => bot.alive() && stored.members() >= world.memberCount, 1_800_000)
    const syncEnd = Date.now()
    r.sync = { ms: syncEnd - world.loggedInAt, before: bot.memory.at(world.loggedInAt), peak: bot.memory.peak(world.loggedInAt, syncEnd), hwm: bot.memory.now()?.hwm ?? NaN }
    if (PROFILE && PROFILE !== 'snapshot' && PROFILE !== 'gc' && PROFILE_UNTIL !== 'burst') return r
    // The full re-tag the sync starts runs behind it: wait until the process is idle (it is part of "steady" later,
    // not of the rates), and note how long that took.
    r.settleMs = await waitIdle(bot.pid)
    r.afterSync = bot.memory.now()?.rss

    // @ -> stored suggestion, a burst.
    let t0 = Date.now()
    world.burst(BURST)
    await allStored(world, stored, bot)
    r.burst = { ms: Date.now() - t0, stored: stored.suggestions() }
    if (PROFILE && PROFILE !== 'snapshot' && PROFILE !== 'gc') return r

    // `QUESTIONS` over every group in `WINDOW` seconds.
    const before = world.asked
    t0 = Date.now()
    await world.drive(WINDOW, QUESTIONS / WINDOW)
    const windowEnd = Date.now()
    const atWindowEnd = stored.storedAt()
    const windowIds = [...world.askedAt.entries()].filter(([, at]) => at >= t0)
    const byEnd = windowIds.filter(([id]) => (atWindowEnd.get(id)?.at ?? Infinity) <= windowEnd).length
    const later = await allStored(world, stored, bot)
    const lags = windowIds.map(([id, at]) => (later.get(id)?.at ?? Infinity) - at).sort((a, b) => a - b)
    r.window = {
      asked: world.asked - before, byEnd, within5s: lags.filter((l) => l <= 5000).length, never: lags.filter((l) => l === Infinity).length,
      p50: percentile(lags, 0.5), p99: percentile(lags, 0.99), max: lags.at(-1) ?? NaN, ms: windowEnd - t0,
    }

    // Hot reload while questions keep arriving.
    const versionBefore = (await bot.health())?.knowledge.version ?? 0
    const reloadFrom = world.asked
    const asking = setInterval(() => { world.ask() }, 1000 / RELOAD_RATE)
    await sleep(1000)
    const edited = Date.now()
    addExample(/** @type {string} */ (kb.files[0]), '订单的地址改一下可以吗')
    await until(async () => bot.alive() && ((await bot.health())?.knowledge.version ?? 0) > versionBefore, 600_000)
    const reloadMs = Date.now() - edited
    await sleep(2000)
    clearInterval(asking)
    const reloadIds = [...world.askedAt.keys()].slice(reloadFrom)
    const afterReload = await allStored(world, stored, bot, 120_000)
    r.reload = { ms: reloadMs, asked: reloadIds.length, dropped: reloadIds.filter((id) => !afterReload.has(id)).length, twice: reloadIds.filter((id) => (afterReload.get(id)?.count ?? 0) > 1).length }

    await sleep(10_000)
    r.steady = bot.memory.now()
    r.steadyRollup = memoryRollup(bot.pid)
    if (PROFILE === 'snapshot') r.snapshot = await heapSnapshot(bot.pid, profileDir)
    if (PROFILE === 'gc') {
      process.kill(bot.pid, 'SIGUSR2')
      await until(() => bot.alive() && fs.existsSync(gcFile) && fs.readFileSync(gcFile, 'utf8').trim().split('\n').length >= 2, 60_000)
      r.gc = fs.readFileSync(gcFile, 'utf8').trim().split('\n').map((line) => JSON.parse(line))
      r.afterGc = memoryRollup(bot.pid)
    }
    r.storedTotal = stored.suggestions()
    r.asked = world.asked
    return r
  } finally {
    stored.close()
    await bot.stop()
    await world.stop()
  }
}

try {
  console.log(`bench/scale-account  ${GROUPS} groups x ${MEMBERS} members, ${INTENTS} intents; ${QUESTIONS} questions in ${WINDOW} s, bursts of ${BURST}; node ${process.version}, ${os.cpus().length} cpus`)
  const main = PROFILE ? await mainRun() : undefined
  if (main) {
    console.log(`  member sync   ${s(main.sync.ms)}; cold start ${s(main.coldMs)}${main.burst ? `; burst of ${BURST} stored at ${(BURST / main.burst.ms * 1000).toFixed(0)}/s` : ''}; profile (${PROFILE}) in ${main.profileDir}:`)
    for (const f of fs.readdirSync(main.profileDir)) console.log(`    ${path.join(main.profileDir, f)}`)
    for (const g of main.gc ?? []) {
      console.log(`  ${g.when.padEnd(14)} RSS ${mb(g.rss)}; V8 heap committed ${mb(g.heapCommitted)}, used ${mb(g.heapUsed)}; external ${mb(g.external)} (array buffers ${mb(g.arrayBuffers)}); V8 malloced ${mb(g.malloced)}`)
      console.log(`                 spaces: ${Object.entries(g.spaces).map(([name, sp]) => `${name} ${sp.committed.toFixed(0)}/${sp.used.toFixed(0)}`).join(', ')} (committed/used MB)`)
    }
    if (main.afterGc) console.log(`  after the GC  anonymous ${mb(main.afterGc.anonymous)}, file-backed ${mb(main.afterGc.file)}`)
    if (main.steady) console.log(`  steady RSS    ${mb(main.steady.rss)}${main.steadyRollup ? `: anonymous (heaps, malloc) ${mb(main.steadyRollup.anonymous)}, file-backed ${mb(main.steadyRollup.file)}` : ''} (at the steady point, before the snapshot or GC)`)
    console.log(`  node bench/support/profile-summary.js <file>   (the temp folder is left for it)`)
  } else {
    const steps = rssSteps(INTENTS)
    const steps100 = INTENTS === 100 ? steps : rssSteps(100)
    const bare = await bareBaseline(GROUPS, BURST)
    const main = await mainRun()
    const cold100 = await coldStart(100)
    const coldN = INTENTS === 100 ? undefined : { ms: main.coldMs }
    const small = await smallAccount()
    const bareSmall = await bareBaseline(SMALL_GROUPS, 200)

    const members = GROUPS * MEMBERS
    console.log(`  member sync   ${members.toLocaleString('en')} memberships in ${GROUPS} groups: ${s(main.sync.ms)} from login to the last stored (${(members / main.sync.ms * 1000).toFixed(0)}/s); ` +
      `RSS ${mb(main.sync.before)} before -> peak ${mb(main.sync.peak)} (+${mb(main.sync.peak - main.sync.before)}, VmHWM ${mb(main.sync.hwm)})   [goal <= 30 s, peak <= 400 MB]`)
    console.log(`    then        busy ${main.settleMs < 0 ? 'over 10 min' : s(main.settleMs)} more (the full re-tag the sync starts) before the process is idle; the rates below start after that`)
    console.log(`    baseline    bare Wechaty bot listing every group's members: ${s(bare.walk.ms)} (${bare.walk.groups} groups, ${bare.walk.members} members); RSS ${mb(bare.beforeWalk)} -> peak ${mb(bare.walkPeak)}; ` +
      `QunDesk ${x(main.sync.ms, bare.walk.ms)} its time`)
    console.log(`  cold start    to ready (online, knowledge loaded): ${s(cold100.ms)} at 100 intents${coldN ? `, ${s(coldN.ms)} at ${INTENTS} intents` : ''}   [goal <= 3 s at 100, <= 5 s at 1,000]`)
    console.log(`    baseline    bare Wechaty bot spawn -> login: ${s(bare.coldMs)}; QunDesk ${x(cold100.ms, bare.coldMs)}${coldN ? ` / ${x(coldN.ms, bare.coldMs)}` : ''}`)
    const rate = BURST / main.burst.ms * 1000
    const bareRate = BURST / bare.burstMs * 1000
    console.log(`  @ -> stored   a burst of ${BURST}: ${rate.toFixed(0)}/s (${s(main.burst.ms)})   [goal >= 0.8x the bare bot]`)
    console.log(`    baseline    bare Wechaty bot receiving the same burst: ${bareRate.toFixed(0)}/s (${s(bare.burstMs)}); QunDesk ${x(rate, bareRate)}`)
    const w = main.window
    console.log(`  steady load   ${w.asked} questions over ${GROUPS} groups in ${s(w.ms)}: ${w.byEnd} stored by the end of the window, ${w.within5s} within 5 s of being asked, ${w.never} never; ` +
      `lag p50 ${s(w.p50)}, p99 ${s(w.p99)}, max ${s(w.max)}   [goal: all within 5 s]`)
    console.log(`  hot reload    an example added to one of ${Math.ceil(INTENTS / 50)} files at ${INTENTS} intents, ${RELOAD_RATE} questions/s arriving: version +1 after ${s(main.reload.ms)}; ` +
      `${main.reload.asked} asked meanwhile, ${main.reload.dropped} dropped, ${main.reload.twice} stored twice   [goal <= 1 s, none dropped]`)
    console.log(`  steady RSS    after the traffic (${main.asked} questions, ${main.storedTotal} suggestions): ${mb(main.steady.rss)} (VmHWM over the run ${mb(main.steady.hwm)}; ${mb(main.afterSync)} after the sync)   [goal <= 300 MB at 1,000 groups]`)
    console.log(`    baseline    bare Wechaty bot after its burst: ${mb(bare.steady.rss)}; QunDesk ${x(main.steady.rss, bare.steady.rss)}, +${mb(main.steady.rss - bare.steady.rss)}`)
    if (main.steadyRollup) console.log(`    where       QunDesk anonymous (heaps, malloc) ${mb(main.steadyRollup.anonymous)}, file-backed ${mb(main.steadyRollup.file)}${bare.steadyRollup ? `; bare bot ${mb(bare.steadyRollup.anonymous)} / ${mb(bare.steadyRollup.file)}` : ''}`)
    if (main.snapshot) console.log(`    snapshot    ${main.snapshot}   (node bench/support/snapshot-summary.js <file>)`)
    console.log(`  RSS, ${SMALL_GROUPS} groups QunDesk at ${small.intents} intents after 200 questions: ${mb(small.steady.rss)} (VmHWM ${mb(small.steady.hwm)})   [goal <= 250 MB]`)
    console.log(`    baseline    bare Wechaty bot there: ${mb(bareSmall.steady.rss)}; QunDesk +${mb(small.steady.rss - bareSmall.steady.rss)}`)
    console.log(`  RSS breakdown one process, after a full GC as each part loads (bench/support/rss-steps.js):`)
    let last = 0
    for (const step of steps.steps) {
      console.log(`    ${step.step.padEnd(64)} ${mb(step.rss).padStart(7)}  (+${mb(step.rss - last)}, JS heap ${mb(step.heap)})`)
      last = step.rss
    }
    console.log(`  match         ${INTENTS} intents in-process: median ${steps.match.median.toFixed(3)} ms, p99 ${steps.match.p99.toFixed(3)} ms over ${steps.match.samples} (quietest of 3 rounds ${steps.match.quietestP99.toFixed(3)} ms)   [issue: 0.39 ms quiet, keep]`)
    console.log(`    baseline    100 intents: median ${steps100.match.median.toFixed(3)} ms, p99 ${steps100.match.p99.toFixed(3)} ms (quietest ${steps100.match.quietestP99.toFixed(3)} ms); ${x(steps.match.p99, steps100.match.p99)} the p99, ${x(steps.match.quietestP99, steps100.match.quietestP99)} the quietest`)
  }
} finally {
  if (!PROFILE) fs.rmSync(tmp, { recursive: true, force: true })
}
