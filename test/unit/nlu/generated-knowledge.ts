import type { KnowledgeBase } from '../../../src/knowledge/knowledge-base.js'
import { formatProblem, loadKnowledge } from '../../../src/knowledge/load-knowledge.js'
import type { IntentMatcher, ScoredIntent } from '../../../src/nlu/intent-matcher.js'
import type { Intent } from '../../../src/knowledge/knowledge-base.js'

const TOPICS = ['订单', '快递', '退款', '发票', '会员', '积分', '优惠券', '账号', '支付', '售后', '商品', '库存', '门店', '预约', '配送', '安装', '保修', '价格', '活动', '退货']
const OBJECTS = ['地址', '时间', '费用', '进度', '记录', '规则', '密码', '手机号', '金额', '状态', '凭证', '额度', '期限', '名额', '尺寸', '颜色', '数量', '编号', '说明', '评价']
const ACTIONS = ['修改', '查询', '取消', '申请', '退回', '补开', '延期', '确认', '更换', '领取']
const TEMPLATES = ['{t}{o}怎么{a}', '我想{a}一下{t}的{o}', '请问{t}{o}能不能{a}', '{t}的{o}在哪里{a}', '{a}{t}{o}需要多久', '帮我{a}{t}{o}', '{t}{o}{a}不了怎么办', '如何{a}{t}{o}', '{t}{o}可以{a}吗', '{a}{t}{o}要什么条件']

/**
 * A synthetic KB of up to 4,000 distinct intents (topic x object x action), `perIntent` templated examples each:
 * big enough to make training take a while, no real data. `gen.<n>` ids.
 *
 * @example
 * createKnowledgeBase(generateIntents(1000), ['generated.yaml'])
 */
export function generateIntents(count: number, perIntent = 8): Intent[] {
  const intents: Intent[] = []
  for (const t of TOPICS) {
    for (const o of OBJECTS) {
      for (const a of ACTIONS) {
        if (intents.length >= count) return intents
        const i = intents.length
        const examples = Array.from({ length: perIntent }, (_, k) => TEMPLATES[(k + i) % TEMPLATES.length]!.replace('{t}', t).replace('{o}', o).replace('{a}', a))
        intents.push({ id: `gen.${i}`, examples, answer: `${t}${o}${a}的回答`, autoSend: false, source: { file: 'generated.yaml', line: i + 1 } })
      }
    }
  }
  return intents
}

/** The same intents as knowledge YAML files of `perFile` intents each, for tests that load a folder. */
export function toKnowledgeYaml(intents: readonly Intent[], perFile = 100): Array<{ name: string; text: string }> {
  const files: Array<{ name: string; text: string }> = []
  for (let start = 0; start < intents.length; start += perFile) {
    const body = intents
      .slice(start, start + perFile)
      .map((intent) => `  - id: ${intent.id}\n    examples:\n${intent.examples.map((e) => `      - ${e}\n`).join('')}    answer: "${intent.answer}"\n`)
      .join('\n')
    files.push({ name: `generated-${String(start / perFile).padStart(3, '0')}.yaml`, text: `intents:\n${body}` })
  }
  return files
}

/** Paraphrases, typos, off-topic chatter, noise and edge cases, for both the shop fixture and generated intents. */
export const SAMPLE_QUESTIONS = [
  '我的包裹到哪了', '我的快递怎么还没到，物流好几天没动了', '几天能发货啊', '退款多久到', '发票怎么开？', '验证码一直收不到', '积分能换钱吗',
  '人工', '这件衣服我穿什么尺码', '帐号登录不了', '帐户登不上', '退款什么时候到账', '多久', '今天天气怎么样', '股票涨了吗', '陪我聊聊天',
  '哈哈哈哈', '周末一起去爬山吧', '订单地址怎么修改啊', '我想查一下会员积分记录', '优惠券期限能延期吗', '发票金额补开', '快递费用退回要多久',
  '门店预约时间怎么取消', '您好！请问 12月3号 能发货吗？？', '', '！！！', 'vip', '亲，在吗',
]

/** Loads a knowledge folder or fails the test with the problems. */
export async function loadOrThrow(dir: string): Promise<KnowledgeBase> {
  const result = await loadKnowledge(dir)
  if (!result.ok) throw new Error(result.problems.map(formatProblem).join('\n'))
  return result.kb
}

/** Every SAMPLE_QUESTIONS ranking, for comparing two matchers. */
export async function matchAll(matcher: IntentMatcher): Promise<ScoredIntent[][]> {
  return Promise.all(SAMPLE_QUESTIONS.map((q) => matcher.match(q)))
}
