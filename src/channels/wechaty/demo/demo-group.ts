import type { PuppetMock, mock } from 'wechaty-puppet-mock'
import type { Logger } from '../../../core/logger.js'
import { DEMO_CUSTOMERS, DEMO_GROUP_TOPIC, DEMO_NEWCOMER, DEMO_QUESTIONS } from './demo-script.js'

export interface DemoGroup {
  /** Logs the bot account in on the mock puppet; call after the bot has started. */
  login(): Promise<void>
  /** Has a random customer @-mention the bot now. */
  askOnce(question?: string): void
  /** A new customer joins the group (invited by one of the others): a room-join, as from a real client. */
  joinNewcomer(): void
  /**
   * Simulated customers ask every `intervalSeconds` (with jitter); the first asks within a few seconds, and a
   * newcomer joins a few seconds later (the member-tagging rules welcome them).
   */
  startCustomers(intervalSeconds: number): void
  stop(): void
}

/**
 * Seeds the demo: the bot account, a group "演示客户群" and a few customers who @-mention the bot with realistic
 * questions, so a newcomer sees QunDesk work within a minute of `npm start`.
 *
 * @example
 * const demo = createDemoGroup({ mocker, puppet, botName: '客服助手', logger })
 * await channel.start(handler); await demo.login(); demo.startCustomers(20)
 */
export function createDemoGroup(deps: { mocker: mock.Mocker; puppet: PuppetMock; botName: string; logger: Logger; random?: () => number }): DemoGroup {
  const random = deps.random ?? Math.random
  const log = deps.logger.child({ demo: true })
  const me = deps.mocker.createContact({ name: deps.botName })
  const customers = DEMO_CUSTOMERS.map((name) => deps.mocker.createContact({ name }))
  const room = deps.mocker.createRoom({ topic: DEMO_GROUP_TOPIC, memberIdList: [me.id, ...customers.map((c) => c.id)] })
  let timer: NodeJS.Timeout | undefined
  let newcomerTimer: NodeJS.Timeout | undefined
  let asked = 0

  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T

  const askOnce = (question?: string) => {
    const customer = pick(customers)
    // Cycle through the script first so the demo shows the whole range, then pick at random.
    const text = question ?? (asked < DEMO_QUESTIONS.length ? DEMO_QUESTIONS[asked] : pick(DEMO_QUESTIONS))
    asked += 1
    customer.say(`@${deps.botName}\u2005${text}`, [me]).to(room)
    log.debug({ customer: customer.payload.name }, 'demo customer asked a question')
  }

  return {
    async login() {
      deps.mocker.login(me)
      // PuppetMock never emits ready on its own; bot.ready() would hang (WECHATY-NOTES).
      deps.puppet.emit('ready', { data: 'ready' })
    },
    askOnce,
    joinNewcomer() {
      const newcomer = deps.mocker.createContact({ name: DEMO_NEWCOMER })
      room.add(newcomer).by(pick(customers))
      log.debug({ newcomer: DEMO_NEWCOMER }, 'demo newcomer joined the group')
    },
    startCustomers(intervalSeconds) {
      newcomerTimer = setTimeout(() => this.joinNewcomer(), 8000)
      newcomerTimer.unref()
      const schedule = (delayMs: number) => {
        timer = setTimeout(() => {
          askOnce()
          schedule(intervalSeconds * 1000 * (0.6 + random() * 0.8))
        }, delayMs)
        timer.unref()
      }
      schedule(3000)
    },
    stop() {
      if (timer) clearTimeout(timer)
      if (newcomerTimer) clearTimeout(newcomerTimer)
    },
  }
}
