import type { Clock } from '../../src/core/clock.js'
import { login, type ConsoleSession } from './console-session.js'
import { makeWorkdir, startTestApp, waitFor, type TestApp } from './test-context.js'

export const AGENT_PASSWORD = '坐席密码-0123456789'
const HOUR_MS = 3_600_000

interface PendingItem { id: number; question: string; memberName: string }

/** A clock that runs with real time and can be moved ahead (the resolution window is a day). */
export function movableClock(): { clock: Clock; skip(ms: number): void } {
  let offset = 0
  return { clock: () => new Date(Date.now() + offset), skip: (ms) => { offset += ms } }
}

/**
 * A realistic day through the whole stack: customers @-mention the bot through the mock puppet and answer in the
 * group, agents 小王 and 小李 decide from their own console sessions.
 *
 *  1. 张三 asks 我的快递到哪了 → 小王 sends as drafted → 张三: 谢谢                  (resolved, positive)
 *  2. 李四 asks 能开发票吗 → 小李 edits and sends → 李四: 还是不行, re-asks 能开发票吗  (unresolved, negative)
 *  3. 李四's re-ask → 小王 rejects                                                     (not answered)
 *  4. 张三 asks 客服几点下班 → the bot auto-sends                                       (resolved, no feedback)
 *  5. 张三 asks 退款什么时候到账 → 小李 sends as drafted                                (resolved, no feedback)
 *  6. 李四: 转人工 (escalated, no intent) → 小李 writes the answer (edited)            (resolved, no feedback; an escalation closed)
 *
 * Then the clock moves 25 h ahead, past every reply's window. Returns the app, the agents' sessions and the day.
 */
export async function buildReportDay(options: { adopt?: (app: TestApp) => TestApp } = {}): Promise<{ t: TestApp; wang: ConsoleSession; li: ConsoleSession; range: { from: string; to: string }; settle(): void }> {
  const time = movableClock()
  // The range covers the day in China the questions were asked (two days if the run straddles midnight there).
  const from = chinaDay(time.clock().toISOString())
  const started = await startTestApp(await makeWorkdir(), { clock: time.clock })
  const t = options.adopt ? options.adopt(started) : started
  const { world } = t
  for (const name of ['小王', '小李']) await t.app.auth.addUser({ name, role: 'agent', password: AGENT_PASSWORD, actor: 'test' })
  const wang = (await login(t.app.url, '小王', AGENT_PASSWORD)).session!
  const li = (await login(t.app.url, '小李', AGENT_PASSWORD)).session!

  const pendingFor = (question: string, memberName: string) => waitFor(async () => {
    const { body } = await t.api<PendingItem[]>('GET', '/api/suggestions?status=pending')
    return body.find((s) => s.question === question && s.memberName === memberName)
  })
  /** A customer's plain message in the group, waited for until the pipeline has read its emotion. */
  const say = async (customer: typeof world.alice, text: string) => {
    customer.say(text).to(world.room)
    await waitFor(async () => (await t.app.db.selectFrom('messages').select('id').where('sender_id', '=', customer.id).where('status', '<>', 'received').where('mentions_bot', '=', 0).execute())
      .length >= (said.get(customer.id) ?? 0) + 1)
    said.set(customer.id, (said.get(customer.id) ?? 0) + 1)
  }
  const said = new Map<string, number>()
  const decide = async (agent: ConsoleSession, id: number, action: 'send' | 'reject', body?: unknown) => {
    const res = await agent.call('POST', `/api/suggestions/${id}/${action}`, body)
    if (res.status !== 200) throw new Error(`${action} #${id}: ${res.status} ${JSON.stringify(res.body)}`)
  }

  world.ask(world.alice, '我的快递到哪了')
  await decide(wang, (await pendingFor('我的快递到哪了', '张三')).id, 'send')
  await say(world.alice, '谢谢')

  world.ask(world.bob, '能开发票吗')
  await decide(li, (await pendingFor('能开发票吗', '李四')).id, 'send', { text: '李四您好，发票在「我的订单」里申请，一个工作日内发到邮箱。' })
  await say(world.bob, '还是不行')
  world.ask(world.bob, '能开发票吗？')
  await decide(wang, (await pendingFor('能开发票吗？', '李四')).id, 'reject', { reason: '重复提问' })

  world.ask(world.alice, '客服几点下班')
  await waitFor(async () => (await t.api<Array<{ question: string; decision: string | null }>>('GET', '/api/suggestions')).body.find((s) => s.question === '客服几点下班' && s.decision === 'auto_sent'))
  world.ask(world.alice, '退款什么时候到账')
  await decide(li, (await pendingFor('退款什么时候到账', '张三')).id, 'send')

  world.ask(world.bob, '转人工')
  await decide(li, (await pendingFor('转人工', '李四')).id, 'send', { text: '李四您好，我是客服小李，发票的事我来帮您处理。' })

  const to = chinaDay(time.clock().toISOString())
  return { t, wang, li, range: { from, to }, settle: () => time.skip(25 * HOUR_MS) }
}

/** The calendar day in China (UTC+8) of an instant. */
function chinaDay(iso: string): string {
  return new Date(Date.parse(iso) + 8 * HOUR_MS).toISOString().slice(0, 10)
}
