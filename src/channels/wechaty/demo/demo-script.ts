/**
 * The demo's two groups, their customers and what they ask: everyday questions of an online shop, a few off-topic.
 * Ids are fixed, so a restart on the same data folder finds the same groups and members (and their history).
 */
export interface DemoPerson {
  id: string
  name: string
}

export interface DemoGroupScript {
  id: string
  topic: string
  customers: readonly DemoPerson[]
}

/** One scripted question; `followUp` is said by the same customer (no @) a few seconds later, e.g. the order number the bot asked for. */
export interface DemoLine {
  group: 'main' | 'vip'
  text: string
  followUp?: string
}

export const DEMO_BOT_ID = 'demo-bot'

export const DEMO_GROUP_TOPIC = '演示客户群'
/** Matched with a stricter band (knowledge/matching.yaml `groups:`): fewer drafts, almost nothing sent without an agent. */
export const DEMO_VIP_GROUP_TOPIC = '演示VIP客户群'

export const DEMO_GROUPS = {
  main: {
    id: 'demo-main@chatroom',
    topic: DEMO_GROUP_TOPIC,
    customers: [
      { id: 'demo-zhangsan', name: '张三' },
      { id: 'demo-limei', name: '李梅' },
      { id: 'demo-wangdali', name: '王大力' },
      { id: 'demo-xiaozhou', name: '小周' },
      { id: 'demo-chenayi', name: '陈阿姨' },
    ],
  },
  vip: {
    id: 'demo-vip@chatroom',
    topic: DEMO_VIP_GROUP_TOPIC,
    customers: [
      { id: 'demo-zhaozong', name: '赵总' },
      { id: 'demo-qiannvshi', name: '钱女士' },
      { id: 'demo-sunxiansheng', name: '孙先生' },
    ],
  },
} as const satisfies Record<DemoLine['group'], DemoGroupScript>

export const DEMO_CUSTOMERS = DEMO_GROUPS.main.customers.map((c) => c.name)
/** Joins the main group a few seconds in, so the welcome from rules/ shows up in the queue. */
export const DEMO_NEWCOMER: DemoPerson = { id: 'demo-xiaolin', name: '新客户小林' }

/**
 * The first minute shows the range: a suggestion, an auto-sent answer, the same kind of question waiting for an
 * agent in the stricter VIP group, a follow-up question for a missing order number, a complaint (escalated; the
 * customer becomes 投诉风险 and a care message is suggested).
 */
export const DEMO_SCRIPT: readonly DemoLine[] = [
  { group: 'main', text: '我的快递到哪了？三天了还没到' },
  { group: 'main', text: '会员积分可以抵现吗' },
  { group: 'vip', text: '会员积分可以抵现吗' },
  { group: 'main', text: '帮我催一下发货', followUp: '订单号 DD20261203017' },
  { group: 'main', text: '能开发票吗，要公司抬头的' },
  { group: 'main', text: '我要投诉！客服一直不回' },
  { group: 'vip', text: '你们几点下班' },
  { group: 'main', text: '你们几点下班' },
  { group: 'main', text: '衣服尺码不合适想换一件大一号的' },
  { group: 'vip', text: '能不能帮我改一下收货地址' },
  { group: 'main', text: '七天无理由退货怎么操作' },
  { group: 'main', text: '优惠券怎么用不了' },
  { group: 'main', text: '发什么快递，多久能到' },
  { group: 'vip', text: '退款什么时候到账' },
  { group: 'main', text: '收到的东西坏了怎么办' },
  { group: 'main', text: '转人工' },
  { group: 'main', text: '今天天气怎么样' },
  { group: 'main', text: '有没有推荐的股票' },
]

/** The questions alone (benchmarks replay them). */
export const DEMO_QUESTIONS: readonly string[] = DEMO_SCRIPT.map((line) => line.text)
