// @ts-check
// A realistic-ish generated knowledge base for the benches (bench/nlu, bench/calibrate): topic x object x action,
// phrased by customer-style templates, with paraphrase and off-topic questions.
import { createKnowledgeBase } from '../../dist/knowledge/knowledge-base.js'

export const EXAMPLES_PER_INTENT = 8

const TOPICS = ['订单', '快递', '退款', '发票', '会员', '积分', '优惠券', '账号', '支付', '售后', '商品', '库存', '门店', '预约', '配送', '安装', '保修', '价格', '活动', '退货']
const OBJECTS = ['地址', '时间', '费用', '进度', '记录', '规则', '密码', '手机号', '金额', '状态', '凭证', '额度', '期限', '名额', '尺寸', '颜色', '数量', '编号', '说明', '评价']
const ACTIONS = ['修改', '查询', '取消', '申请', '退回', '补开', '延期', '确认', '更换', '领取']
const TRAIN_TEMPLATES = ['{t}{o}怎么{a}', '我想{a}一下{t}的{o}', '请问{t}{o}能不能{a}', '{t}的{o}在哪里{a}', '{a}{t}{o}需要多久', '帮我{a}{t}{o}', '{t}{o}{a}不了怎么办', '如何{a}{t}{o}', '{t}{o}可以{a}吗', '{a}{t}{o}要什么条件', '{t}{o}{a}有什么要求', '{a}{o}（{t}）的流程是什么']
// Paraphrases use wordings that never occur in training.
const QUERY_TEMPLATES = ['{t}{o}咋{a}啊', '亲，{t}那个{o}要怎么{a}呢', '我要{a}{t}{o}，在哪弄', '{o}{a}一下，{t}的', '您好，{t}{o}还能{a}不', '{t}{o}{a}的话多久能好', '麻烦问下{a}{t}{o}怎么操作']
const OFF_TOPIC = ['今天天气怎么样', '明天会下雨吗', '股票涨了吗', '买什么基金好', '你吃饭了吗', '陪我聊聊天', '哈哈哈哈哈', '周末一起去爬山吧', '最近有什么好看的电影', '推荐一首歌', '你是男的还是女的', '世界杯谁赢了', '我好无聊啊', '晚上吃火锅还是烧烤', '帮我写首诗', '地球到月球多远', '猫为什么怕水', '你会下棋吗', '早上好呀大家', '这个群好热闹']
const OFF_TOPIC_TAILS = ['', '啊', '呢', '？', '哈', '，你觉得呢', '，说说看']

/** Deterministic LCG, so every run asks the same questions. */
function random(seed = 20261123) {
  let state = seed
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648
    return state / 2147483648
  }
}

/** @param {string} template @param {{ t: string, o: string, a: string }} slots */
const fill = (template, slots) => template.replace('{t}', slots.t).replace('{o}', slots.o).replace('{a}', slots.a)

/** @param {number} INTENTS */
export function generate(INTENTS) {
  const combos = TOPICS.length * OBJECTS.length * ACTIONS.length
  if (INTENTS > combos) throw new Error(`at most ${combos} intents can be generated`)
  /** @type {Array<{ id: string, slots: { t: string, o: string, a: string } }>} */
  const picked = []
  // Walk the combinations with a stride coprime to their count, so 1,000 intents spread over every topic.
  for (let k = 0; picked.length < INTENTS; k++) {
    const c = (k * 1237) % combos
    const slots = { t: TOPICS[c % TOPICS.length] ?? '', o: OBJECTS[Math.floor(c / TOPICS.length) % OBJECTS.length] ?? '', a: ACTIONS[Math.floor(c / (TOPICS.length * OBJECTS.length))] ?? '' }
    picked.push({ id: `gen.${String(picked.length).padStart(4, '0')}`, slots })
  }
  const intents = picked.map(({ id, slots }, i) => ({
    id,
    examples: Array.from({ length: EXAMPLES_PER_INTENT }, (_, k) => fill(TRAIN_TEMPLATES[(i + k) % TRAIN_TEMPLATES.length] ?? '', slots)),
    answer: `${slots.t}${slots.o}${slots.a}：请参考帮助中心。`,
    autoSend: false,
    source: { file: 'generated.yaml', line: i + 1 },
  }))
  const rnd = random()
  /** @type {Array<{ text: string, expect: string | null }>} */
  const queries = []
  for (let q = 0; q < 3000; q++) {
    const target = picked[Math.floor(rnd() * picked.length)]
    if (target) queries.push({ text: fill(QUERY_TEMPLATES[Math.floor(rnd() * QUERY_TEMPLATES.length)] ?? '', target.slots), expect: target.id })
  }
  for (let q = 0; q < 1000; q++) {
    queries.push({ text: `${OFF_TOPIC[Math.floor(rnd() * OFF_TOPIC.length)]}${OFF_TOPIC_TAILS[Math.floor(rnd() * OFF_TOPIC_TAILS.length)]}`, expect: null })
  }
  return { kb: createKnowledgeBase(intents, ['generated.yaml']), queries }
}

