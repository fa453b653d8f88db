// @ts-check
/**
 * bench/bare-steady: what the bare Wechaty bot's steady RSS is made of (issue 19's "steady RSS <= 300 MB at 1,000
 * groups" against bench/scale-account's baseline). The bare bot of bench/support/bare-bot.js, each time in its own
 * process on a fresh world of `groups` x `members`, receives a burst of `burst` @ and is read `settle` seconds later:
 *
 *   - as bench/scale-account runs it: lists every group's members first (Room.findAll + memberAll; Wechaty keeps
 *     every Room and Contact it made, with its payload, for the process' life), then the burst;
 *   - the burst only (no listing): the Wechaty stack itself, logged in to the account and receiving the traffic;
 *   - both again with --heap-growing-percent=100, the V8 setting `qundesk start` uses (bin/qundesk.js).
 *
 * Asserts nothing; prints RSS and VmHWM per variant.
 *
 *   node bench/bare-steady.js [groups=1000] [members=50] [burst=2000] [settle=10]
 */
import { accountWorld, startBareBot } from './support/account-world.js'
import { until } from './support/mock-world.js'

const [GROUPS = 1000, MEMBERS = 50, BURST = 2000, SETTLE = 10] = process.argv.slice(2).map(Number)
const sleep = (/** @type {number} */ ms) => new Promise((r) => setTimeout(r, ms))
const mb = (/** @type {number} */ v) => `${v.toFixed(0)} MB`
let worlds = 0

/** @param {{ walk: boolean; execArgv: string[] }} variant */
async function run({ walk, execArgv }) {
  const world = await accountWorld({ groups: GROUPS, members: MEMBERS, token: `insecure_qundesk-bench-bare-steady-${process.pid}-${++worlds}` })
  const bot = startBareBot(world, undefined, { execArgv })
  try {
    await bot.ready()
    await sleep(500)
    const loggedIn = bot.memory.now()?.rss ?? NaN
    if (walk) await bot.walk()
    world.burst(BURST)
    await until(async () => (await bot.received()) >= BURST, 600_000)
    await sleep(SETTLE * 1000)
    const now = bot.memory.now() ?? { rss: NaN, hwm: NaN }
    return { loggedIn, steady: now.rss, hwm: now.hwm }
  } finally {
    await bot.stop()
    await world.stop()
  }
}

console.log(`bench/bare-steady  bare Wechaty bot, ${GROUPS} groups x ${MEMBERS} members, burst of ${BURST}, read ${SETTLE} s after it; node ${process.version}`)
for (const variant of [
  { label: 'the burst only (no listing)', walk: false, execArgv: [] },
  { label: 'the burst only; --heap-growing-percent=100', walk: false, execArgv: ['--heap-growing-percent=100'] },
  { label: 'lists every member, then the burst (bench/scale-account\'s baseline)', walk: true, execArgv: [] },
  { label: 'lists, then the burst; --heap-growing-percent=100', walk: true, execArgv: ['--heap-growing-percent=100'] },
]) {
  const r = await run(variant)
  console.log(`  ${variant.label.padEnd(70)} steady ${mb(r.steady).padStart(7)} (logged in ${mb(r.loggedIn)}, VmHWM ${mb(r.hwm)})`)
}
