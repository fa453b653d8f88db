import { DEMO_GROUPS, type DemoLine } from './demo-script.js'

/**
 * What an agent did with a question's suggestion in the demo's history: send it as drafted, edit it, write the
 * answer (no draft), reject it, or leave it waiting. An auto-sent answer needs nothing.
 */
export type DemoAgentMove = 'send' | 'edit' | 'answer' | 'reject' | 'wait'

export interface DemoHistoryQuestion {
  group: DemoLine['group']
  text: string
  agent: DemoAgentMove
  /** The edit's added sentence, or the answer an agent typed. */
  reply?: string
  /** The customer's answer to the bot's follow-up question (a slot intent), two minutes later. */
  followUp?: string
}

export interface DemoHistoryEntry extends DemoHistoryQuestion {
  customerId: string
  /** Minutes after local midnight of its day. */
  minute: number
  /** Minutes the agent took (ignored for auto-sent answers and waiting items). */
  responseMinutes: number
}

/** When each customer joined, in days before the demo started (fractions = time of day); 小周 is recent: welcomed in the history. */
export const DEMO_JOIN_DAYS_AGO: Readonly<Record<string, number>> = {
  'demo-zhangsan': 45.4, 'demo-limei': 38.6, 'demo-wangdali': 26.5, 'demo-xiaozhou': 5.6, 'demo-chenayi': 19.4,
  'demo-zhaozong': 33.5, 'demo-qiannvshi': 21.6, 'demo-sunxiansheng': 10.45,
}

export const DEMO_HISTORY_DAYS = 7

const POOL: readonly DemoHistoryQuestion[] = [
  { group: 'main', text: '我的快递到哪了，好几天了', agent: 'send' },
  { group: 'main', text: '会员积分可以抵现吗', agent: 'send' },
  { group: 'vip', text: '会员积分可以抵现吗', agent: 'edit', reply: '您是金卡会员，积分抵扣还能叠加会员折扣。' },
  { group: 'main', text: '能开发票吗，要公司抬头的', agent: 'edit', reply: '公司抬头记得填税号哦。' },
  { group: 'main', text: '你们几点下班', agent: 'send' },
  { group: 'main', text: '衣服尺码不合适想换一件大一号的', agent: 'send' },
  { group: 'main', text: '帮我催一下发货', agent: 'send', followUp: '订单号 DD20261126043' },
  { group: 'main', text: '今天天气怎么样', agent: 'reject' },
  { group: 'vip', text: '能不能帮我改一下收货地址', agent: 'send' },
  { group: 'main', text: '七天无理由退货怎么操作', agent: 'answer', reply: '您好，在「我的订单」里点「申请售后」→「退货退款」，选七天无理由就可以，快递上门取件运费我们承担～' },
  { group: 'main', text: '优惠券怎么用不了', agent: 'send' },
  { group: 'vip', text: '你们几点下班', agent: 'send' },
  { group: 'main', text: '退款什么时候到账', agent: 'send' },
  { group: 'main', text: '我要投诉！客服一直不回', agent: 'answer', reply: '非常抱歉让您久等了！我是客服主管，您的问题我来跟进，马上私信您。' },
  { group: 'main', text: '发什么快递，多久能到', agent: 'send' },
  { group: 'vip', text: '退款什么时候到账', agent: 'edit', reply: 'VIP 订单优先审核，一般当天就能退回。' },
  { group: 'main', text: '有没有推荐的股票', agent: 'reject' },
  { group: 'main', text: '能发顺丰吗', agent: 'send' },
  { group: 'main', text: '东西质量太差了，用了一次就坏了', agent: 'send' },
  { group: 'vip', text: '帮我催一下发货', agent: 'send', followUp: '单号是DD20261128112' },
  { group: 'main', text: '转人工', agent: 'answer', reply: '您好，我是人工客服小王，请问有什么可以帮您？' },
  { group: 'main', text: '会员怎么升级', agent: 'send' },
]

/** Questions per day, oldest first: a busy mid-week, a quieter weekend. */
const PER_DAY = [6, 8, 9, 7, 10, 5, 8] as const
/** Agent response times in minutes, cycled: most within the 15-minute SLA, a few late. */
const RESPONSE_MINUTES = [2, 4, 1, 6, 3, 18, 5, 2, 9, 3, 26, 4] as const

/**
 * The demo's last week, day by day (index 0 = DEMO_HISTORY_DAYS days ago): questions spread over 09:00–21:00 by
 * the customers who had joined by then, and what the agent did. Yesterday ends with two questions for a human
 * still waiting, so the reports' unanswered table has rows. Deterministic: the same week every time.
 *
 * @example
 * demoHistory()[6]   // yesterday's questions, in order
 */
export function demoHistory(): DemoHistoryEntry[][] {
  return PER_DAY.map((count, day) => {
    const daysAgo = DEMO_HISTORY_DAYS - day
    const entries: DemoHistoryEntry[] = []
    for (let i = 0; i < count; i += 1) {
      const question = POOL[(day * 5 + i * 3) % POOL.length]!
      const minute = 9 * 60 + Math.floor((i * 12 * 60) / count) + ((day * 7 + i * 11) % 20)
      const customers = DEMO_GROUPS[question.group].customers.filter((c) => (DEMO_JOIN_DAYS_AGO[c.id] ?? 0) > daysAgo - minute / 1440 + 0.01)
      const customer = customers[(day + i) % customers.length]!
      entries.push({ ...question, customerId: customer.id, minute, responseMinutes: RESPONSE_MINUTES[(day * 3 + i) % RESPONSE_MINUTES.length]! })
    }
    return entries
  }).map((entries, day) => day < PER_DAY.length - 1 ? entries : [
    ...entries,
    { group: 'main', text: '转人工，我要找真人', agent: 'wait', customerId: 'demo-wangdali', minute: 21 * 60 + 20, responseMinutes: 0 },
    { group: 'vip', text: '我要投诉！快递员态度太差了', agent: 'wait', customerId: 'demo-zhaozong', minute: 21 * 60 + 45, responseMinutes: 0 },
  ])
}
