/** Customers of the demo group and what they ask: everyday questions of an online shop, a few off-topic. */
export const DEMO_GROUP_TOPIC = '演示客户群'

export const DEMO_CUSTOMERS = ['张三', '李梅', '王大力', '小周', '陈阿姨'] as const
/** Joins the demo group a few seconds in, so the welcome from rules/ shows up in the queue. */
export const DEMO_NEWCOMER = '新客户小林'

export const DEMO_QUESTIONS = [
  '我的快递到哪了？三天了还没到',
  '怎么查物流啊',
  '能开发票吗，要公司抬头的',
  '衣服尺码不合适想换一件大一号的',
  '七天无理由退货怎么操作',
  '优惠券怎么用不了',
  '会员积分可以抵现吗',
  '你们几点下班',
  '发什么快递，多久能到',
  '退款什么时候到账',
  '收到的东西坏了怎么办',
  '我要投诉！客服一直不回',
  '能不能帮我改一下收货地址',
  '转人工',
  '今天天气怎么样',
  '有没有推荐的股票',
] as const
