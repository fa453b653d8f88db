import type { PuppetMock, mock } from 'wechaty-puppet-mock'
import type { Logger } from '../../../core/logger.js'
import { DEMO_BOT_ID, DEMO_GROUPS, DEMO_NEWCOMER, DEMO_SCRIPT, type DemoLine } from './demo-script.js'

/** Which demo group, and optionally which customer (by name); a random customer of the group otherwise. */
export interface DemoSpeaker {
  group?: DemoLine['group'] | undefined
  customer?: string | undefined
}

export interface DemoGroup {
  /** Logs the bot account in on the mock puppet; call after the bot has started. */
  login(): Promise<void>
  /**
   * A customer @-mentions the bot now: the next scripted question (then random ones), or `question` in the main
   * group unless `speaker` says otherwise. A scripted line's follow-up (the order number asked for) comes 6 s later.
   */
  askOnce(question?: string, speaker?: DemoSpeaker): void
  /** A customer says something without @-mentioning the bot (e.g. answers the bot's follow-up question). */
  say(text: string, speaker: DemoSpeaker): void
  /** A new customer joins the main group (invited by one of the others): a room-join, as from a real client. */
  joinNewcomer(): void
  /**
   * Simulated customers ask every `intervalSeconds` (with jitter); the first asks within a few seconds, and a
   * newcomer joins a few seconds later (the member-tagging rules welcome them).
   */
  startCustomers(intervalSeconds: number): void
  stop(): void
}

const FOLLOW_UP_MS = 6000

/**
 * Seeds the demo: the bot account, two groups (「演示客户群」 and the stricter 「演示VIP客户群」) and customers who
 * @-mention the bot with realistic questions, so a newcomer sees QunDesk work within a minute of `npm start`.
 * Ids are fixed (demo-script.ts): a restart meets the same groups and members.
 *
 * @example
 * const demo = createDemoGroup({ mocker, puppet, botName: '客服助手', logger })
 * await channel.start(handler); await demo.login(); demo.startCustomers(20)
 */
export function createDemoGroup(deps: { mocker: mock.Mocker; puppet: PuppetMock; botName: string; logger: Logger; random?: () => number }): DemoGroup {
  const random = deps.random ?? Math.random
  const log = deps.logger.child({ demo: true })
  const me = deps.mocker.createContact({ id: DEMO_BOT_ID, name: deps.botName })
  const groups = Object.fromEntries(Object.entries(DEMO_GROUPS).map(([key, script]) => {
    const customers = script.customers.map((c) => deps.mocker.createContact({ id: c.id, name: c.name }))
    const room = deps.mocker.createRoom({ id: script.id, topic: script.topic, memberIdList: [me.id, ...customers.map((c) => c.id)] })
    return [key, { customers, room }]
  })) as Record<DemoLine['group'], { customers: mock.ContactMock[]; room: mock.RoomMock }>
  const timers = new Set<NodeJS.Timeout>()
  let asked = 0

  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T
  const later = (ms: number, run: () => void) => {
    const timer = setTimeout(() => { timers.delete(timer); run() }, ms)
    timer.unref()
    timers.add(timer)
  }
  const speakerOf = (speaker: DemoSpeaker) => {
    const group = groups[speaker.group ?? 'main']
    const customer = speaker.customer === undefined ? pick(group.customers) : group.customers.find((c) => c.payload.name === speaker.customer)
    if (!customer) throw new Error(`demo: no customer "${speaker.customer}" in the ${speaker.group ?? 'main'} group`)
    return { customer, room: group.room }
  }

  const askOnce = (question?: string, speaker: DemoSpeaker = {}) => {
    // Cycle through the script first so the demo shows the whole range, then pick at random.
    const line: DemoLine = question !== undefined
      ? { group: speaker.group ?? 'main', text: question }
      : asked < DEMO_SCRIPT.length ? DEMO_SCRIPT[asked]! : pick(DEMO_SCRIPT)
    if (question === undefined) asked += 1
    const { customer, room } = speakerOf({ ...speaker, group: line.group })
    customer.say(`@${deps.botName}\u2005${line.text}`, [me]).to(room)
    log.debug({ customer: customer.payload.name, group: line.group }, 'demo customer asked a question')
    if (line.followUp) later(FOLLOW_UP_MS, () => customer.say(line.followUp!).to(room))
  }

  return {
    async login() {
      deps.mocker.login(me)
      // PuppetMock never emits ready on its own; bot.ready() would hang (WECHATY-NOTES).
      deps.puppet.emit('ready', { data: 'ready' })
    },
    askOnce,
    say(text, speaker) {
      const { customer, room } = speakerOf(speaker)
      customer.say(text).to(room)
    },
    joinNewcomer() {
      const newcomer = deps.mocker.createContact({ id: DEMO_NEWCOMER.id, name: DEMO_NEWCOMER.name })
      groups.main.room.add(newcomer).by(pick(groups.main.customers))
      log.debug({ newcomer: DEMO_NEWCOMER.name }, 'demo newcomer joined the group')
    },
    startCustomers(intervalSeconds) {
      later(8000, () => this.joinNewcomer())
      const schedule = (delayMs: number) => later(delayMs, () => {
        askOnce()
        schedule(intervalSeconds * 1000 * (0.6 + random() * 0.8))
      })
      schedule(3000)
    },
    stop() {
      for (const timer of timers) clearTimeout(timer)
      timers.clear()
    },
  }
}
