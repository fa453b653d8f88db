/** The type of a metric's value. Any metric marked `nullable` may also be null ("unknown"). */
export type MetricType = 'number' | 'boolean' | 'string'

export interface MetricInfo {
  /** A few words for where space is short (an agent's reminder); the description says exactly what it counts. */
  readonly label: string
  readonly type: MetricType
  /** True when the value can be unknown (e.g. no order data connected, never spoke). */
  readonly nullable: boolean
  /** 中文说明, shown in rules/README.md and the console. */
  readonly description: string
}

/**
 * Every metric a rule may read, with its type and meaning. The expression checker rejects other names, and
 * rules/README.md must list each one (a unit test keeps them in sync).
 *
 * @example
 * METRICS.messages_30d // { type: 'number', nullable: false, description: '近 30 天发言条数' }
 */
export const METRICS = {
  join_age_days: { label: '入群天数', type: 'number', nullable: false, description: '入群天数（入群至今的整天数；入群时间为估算时见 join_time_estimated）' },
  join_time_estimated: { label: '入群时间为估算', type: 'boolean', nullable: false, description: '入群时间是否为估算（机器人上线前就在群里的成员，以首次出现时间估算）' },
  join_scene: { label: '入群方式', type: 'number', nullable: true, description: '入群方式（企业微信 join_scene：1 成员直接邀请，2 邀请链接，3 扫群二维码；个人微信群为空）' },
  messages_7d: { label: '近 7 天发言', type: 'number', nullable: false, description: '近 7 天发言条数' },
  messages_30d: { label: '近 30 天发言', type: 'number', nullable: false, description: '近 30 天发言条数' },
  messages_90d: { label: '近 90 天发言', type: 'number', nullable: false, description: '近 90 天发言条数' },
  messages_prev_30d: { label: '上个 30 天发言', type: 'number', nullable: false, description: '上一个 30 天（31–60 天前）发言条数，用来和 messages_30d 对比活跃度变化' },
  mentions_7d: { label: '近 7 天 @客服', type: 'number', nullable: false, description: '近 7 天 @客服（机器人或人工客服）的次数' },
  mentions_30d: { label: '近 30 天 @客服', type: 'number', nullable: false, description: '近 30 天 @客服的次数' },
  mentions_90d: { label: '近 90 天 @客服', type: 'number', nullable: false, description: '近 90 天 @客服的次数' },
  active_days_30d: { label: '近 30 天活跃天数', type: 'number', nullable: false, description: '近 30 天有发言的天数（0–30）' },
  days_since_last_active: { label: '未发言天数', type: 'number', nullable: true, description: '距最后一次发言的天数；从未发言为空（null）' },
  questions_30d: { label: '近 30 天提问', type: 'number', nullable: false, description: '近 30 天提问次数（识别为问题的消息）' },
  negative_messages_30d: { label: '近 30 天负面消息', type: 'number', nullable: false, description: '近 30 天负面情绪消息数（含严重负面）' },
  severe_messages_30d: { label: '近 30 天严重负面消息', type: 'number', nullable: false, description: '近 30 天严重负面消息数（投诉、辱骂、威胁曝光等）' },
  escalations_30d: { label: '近 30 天转人工', type: 'number', nullable: false, description: '近 30 天真正转人工的次数：主动要求人工、投诉类意图、强烈情绪、连续答不上（不含答不上的单个问题和客服超时）' },
  unanswered_30d: { label: '近 30 天未答上', type: 'number', nullable: false, description: '近 30 天知识库答不上、交给人工的提问数（不算转人工）' },
  sla_overruns_30d: { label: '近 30 天超时未回复', type: 'number', nullable: false, description: '近 30 天客服超过 SLA 未回复的提问数（客服侧原因，不算转人工）' },
  monthly_spend: { label: '近 30 天消费（元）', type: 'number', nullable: true, description: '近 30 天消费金额（元）；未接入订单数据时为空' },
  total_spend: { label: '累计消费（元）', type: 'number', nullable: true, description: '累计消费金额（元）；未接入订单数据时为空' },
  orders: { label: '累计订单', type: 'number', nullable: true, description: '累计订单数；未接入订单数据时为空' },
  returns: { label: '累计退货', type: 'number', nullable: true, description: '累计退货 / 退款订单数；未接入订单数据时为空' },
  return_rate: { label: '退货率', type: 'number', nullable: true, description: '退货率 = returns / orders（0–1）；没有订单时为空' },
  last_purchase_days: { label: '距上次购买天数', type: 'number', nullable: true, description: '距最近一次购买的天数；从未购买为空' },
  rfm_r: { label: 'RFM R', type: 'number', nullable: true, description: 'RFM 最近购买评分 R（1–5，越近越高）；无订单数据为空' },
  rfm_f: { label: 'RFM F', type: 'number', nullable: true, description: 'RFM 购买频次评分 F（1–5，越多越高）；无订单数据为空' },
  rfm_m: { label: 'RFM M', type: 'number', nullable: true, description: 'RFM 消费金额评分 M（1–5，越多越高）；无订单数据为空' },
  in_group: { label: '仍在群内', type: 'boolean', nullable: false, description: '是否仍在群内（已退群为 false）' },
} as const satisfies Record<string, MetricInfo>

export type MetricName = keyof typeof METRICS
export const METRIC_NAMES = Object.keys(METRICS) as MetricName[]

/** A metric's value as the evaluator sees it; null (or a missing key) means unknown. */
export type MetricValue = number | boolean | string | null

export function isMetricName(name: string): name is MetricName {
  return Object.prototype.hasOwnProperty.call(METRICS, name)
}
