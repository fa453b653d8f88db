import type { Severity } from '../../core/vocabulary.js'

/**
 * The negative-emotion lexicon. Weights are what one occurrence adds to the raw sum that becomes the score
 * (`1 - e^(-sum)`, see score-to-severity.ts): about 0.15 is a sigh, 0.3 a complaint, 0.5 anger, 0.75 an insult.
 * Entries are written the way customers type them; they are NFKC-normalised and lower-cased when the index is built,
 * so write them in that form (half-width `!`, lower-case `tmd`). README.md in this folder explains each table.
 */

/** Plain negative words and phrases. Longer phrases win over the single characters inside them (气死了 over 气死). */
export const NEGATIVE_WORDS: Readonly<Record<string, number>> = {
  // slowness, quality, cheating
  慢: 0.25, 差: 0.35, 垃圾: 0.6, 辣鸡: 0.6, 垃鸡: 0.6, 坑: 0.4, 坑人: 0.55, 坑爹: 0.55, 被坑: 0.5, 骗子: 0.75, 骗人: 0.6, 欺骗: 0.6, 诈骗: 0.7,
  忽悠: 0.45, 黑心: 0.6, 奸商: 0.7, 无良: 0.6, 霸王条款: 0.5, 假货: 0.5, 山寨: 0.4, 次品: 0.45, 劣质: 0.5, 破损: 0.3,
  坏: 0.3, 烂: 0.4, 错: 0.2, 贵: 0.15, 破东西: 0.5, 什么玩意: 0.5, 什么破: 0.45,
  // feelings
  失望: 0.45, 生气: 0.5, 气人: 0.45, 气死: 0.6, 气死了: 0.65, 气死我了: 0.7, 烦: 0.3, 烦死: 0.5, 烦死了: 0.55, 无语: 0.4,
  离谱: 0.45, 过分: 0.45, 不满: 0.45, 恶心: 0.55, 愤怒: 0.55, 窝火: 0.5, 火大: 0.5, 崩溃: 0.4, 郁闷: 0.3, 难受: 0.25,
  委屈: 0.3, 心累: 0.35, 闹心: 0.35, 受不了: 0.45, 忍无可忍: 0.75, 服了: 0.3, 醉了: 0.3, 呵呵: 0.25, 有病: 0.5,
  // service
  敷衍: 0.45, 糊弄: 0.45, 推卸: 0.4, 踢皮球: 0.45, 扯皮: 0.4, 耍赖: 0.5, 什么态度: 0.45, 态度恶劣: 0.6, 没人理: 0.45,
  没人回: 0.35, 没人管: 0.45, 没人处理: 0.45, 人呢: 0.3, 搞什么: 0.35, 搞什么鬼: 0.45, 退钱: 0.4, 还我钱: 0.5,
  浪费时间: 0.4, 耽误: 0.35, 太麻烦: 0.35, 好麻烦: 0.3, 真麻烦: 0.3, 很麻烦: 0.3, 麻烦死: 0.5,
  说了多少次: 0.4, 多少遍: 0.35, 好几次了: 0.25, 第几次了: 0.35, 一直没: 0.25, 一直不: 0.25, 还是没: 0.25, 还是不: 0.2,
  // 再不X(我就…): an ultimatum, whatever X is
  再不: 0.25,
  // giving up on the shop
  再也不买: 0.4, 再也不来: 0.4, 再也不会买: 0.4,
}

/**
 * Impatience. Reported as `lexicon` signals; kept apart so the README can say these alone never go past mild.
 * 怎么还没 and friends are the typical "where is my order" complaint: a question, but not a neutral one.
 */
export const URGENCY_WORDS: Readonly<Record<string, number>> = {
  急: 0.2, 着急: 0.25, 急死: 0.5, 急死了: 0.55, 赶紧: 0.2, 赶快: 0.2, 马上: 0.15, 立刻: 0.2, 立即: 0.15, 尽快: 0.1, 快点: 0.2,
  搞快点: 0.25, 抓紧: 0.15, 催: 0.15, 有人吗: 0.15, 怎么回事: 0.3, 什么情况: 0.25,
  到底什么时候: 0.3, 究竟什么时候: 0.3, 什么时候才: 0.25, 要等多久: 0.25, 还要等多久: 0.3, 等到什么时候: 0.35,
  怎么还没: 0.3, 怎么还不: 0.3, 咋还没: 0.3, 咋还不: 0.3, 为什么还没: 0.3, 为什么还不: 0.3, 为啥还没: 0.3, 为啥还不: 0.3,
  为什么不发: 0.25, 为啥不发: 0.25, 怎么不发: 0.25, 咋不发: 0.25,
  还没发: 0.2, 还不发: 0.25, 还没到: 0.2, 还没收到: 0.2, 还没退: 0.25, 还没回: 0.25, 还没处理: 0.25,
}

/**
 * Fixed phrases that are a negated positive but cannot be built from NEGATORS + POSITIVE_WORDS without also catching
 * the neutral 不用 ("no need"): 没用 is "useless", 不用 is not. Reported as `negation` signals.
 */
export const NEGATED_PHRASES: Readonly<Record<string, number>> = {
  没用: 0.35, 没啥用: 0.35, 没什么用: 0.35, 没有用: 0.35, 一点用都没有: 0.55, 不管用: 0.35, 不好用: 0.35, 没效果: 0.3,
  不怎么样: 0.35, 不咋地: 0.35, 不咋样: 0.35, 不回复: 0.35, 不回消息: 0.35, 不处理: 0.3, 不理人: 0.45, 不给退: 0.4, 不给处理: 0.4, 不给解决: 0.4, 不解决: 0.35,
}

export interface ThreatEntry {
  weight: number
  /** The least severity a message containing this reaches, whatever else it says. */
  floor: Severity
}

/** Escalation outside the shop: regulators, lawyers, the press, public reviews. Any of these means a human should look. */
export const THREAT_WORDS: Readonly<Record<string, ThreatEntry>> = {
  投诉: { weight: 1, floor: 'severe' }, 曝光: { weight: 1, floor: 'severe' }, '12315': { weight: 1, floor: 'severe' },
  '12345': { weight: 1, floor: 'severe' }, 消协: { weight: 1, floor: 'severe' }, 消费者协会: { weight: 1, floor: 'severe' },
  工商: { weight: 0.9, floor: 'severe' }, 工商局: { weight: 1, floor: 'severe' }, 市场监管: { weight: 1, floor: 'severe' },
  市监局: { weight: 1, floor: 'severe' }, 举报: { weight: 1, floor: 'severe' }, 律师: { weight: 1, floor: 'severe' },
  起诉: { weight: 1, floor: 'severe' }, 法院: { weight: 1, floor: 'severe' }, 打官司: { weight: 1, floor: 'severe' },
  告你: { weight: 1, floor: 'severe' }, 报警: { weight: 1, floor: 'severe' }, 媒体: { weight: 0.9, floor: 'severe' },
  记者: { weight: 0.9, floor: 'severe' }, 维权: { weight: 0.9, floor: 'severe' }, 退一赔三: { weight: 1, floor: 'severe' },
  // 差评 on its own is a grumble about the product; promising to write one is a threat.
  差评: { weight: 0.6, floor: 'moderate' }, 给差评: { weight: 1, floor: 'severe' }, 打差评: { weight: 1, floor: 'severe' },
  给个差评: { weight: 1, floor: 'severe' }, 给你差评: { weight: 1, floor: 'severe' }, 给你们差评: { weight: 1, floor: 'severe' },
  必须差评: { weight: 1, floor: 'severe' }, 肯定差评: { weight: 1, floor: 'severe' }, 一定差评: { weight: 1, floor: 'severe' },
  平台介入: { weight: 0.7, floor: 'moderate' },
}

export interface ProfanityEntry {
  weight: number
  /** Abuse aimed at a person (傻逼, cnm): the least severity the message reaches, like a threat's floor. */
  floor?: Severity
  /** Only counts when no Han character touches it on either side: 靠 alone, never 靠谱 or 可靠. */
  standalone?: boolean
}

/** A deliberately mild list; extend it in a local fork rather than in code review screenshots. */
export const PROFANITY: Readonly<Record<string, ProfanityEntry>> = {
  妈的: { weight: 0.5 }, 他妈: { weight: 0.5 }, 他妈的: { weight: 0.55 }, tmd: { weight: 0.5 }, 特么: { weight: 0.45 },
  尼玛: { weight: 0.5 }, 卧槽: { weight: 0.4 }, 我靠: { weight: 0.35 }, 靠: { weight: 0.35, standalone: true },
  艹: { weight: 0.4 }, 操蛋: { weight: 0.5 }, wtf: { weight: 0.4 }, 见鬼: { weight: 0.35 }, 该死: { weight: 0.4 },
  滚: { weight: 0.6, standalone: true }, 滚蛋: { weight: 0.65 }, 狗屁: { weight: 0.5 },
  // How people actually type them: initials, homophones, softened spellings (他喵的 for 他妈的).
  lj: { weight: 0.6 }, md: { weight: 0.5 }, mmp: { weight: 0.5 }, tm的: { weight: 0.5 }, 他喵的: { weight: 0.5 }, 特喵的: { weight: 0.5 },
  特么的: { weight: 0.5 }, 泥马: { weight: 0.5 }, 妈蛋: { weight: 0.45 }, 我草: { weight: 0.4 }, 卧草: { weight: 0.4 },
  草: { weight: 0.4, standalone: true }, 'what the hell': { weight: 0.45 }, wth: { weight: 0.4 }, shit: { weight: 0.45 },
  damn: { weight: 0.3 }, fuck: { weight: 0.6 }, 脑残: { weight: 0.6 },
  // Insults and curses aimed at a person: a human should read these whatever else the message says.
  傻逼: { weight: 1, floor: 'severe' }, 傻b: { weight: 1, floor: 'severe' }, 傻比: { weight: 1, floor: 'severe' },
  煞笔: { weight: 1, floor: 'severe' }, 沙比: { weight: 1, floor: 'severe' }, 傻叉: { weight: 1, floor: 'severe' },
  sb: { weight: 1, floor: 'severe' }, cnm: { weight: 1, floor: 'severe' }, nmsl: { weight: 1, floor: 'severe' },
  nmb: { weight: 1, floor: 'severe' }, 操你妈: { weight: 1, floor: 'severe' }, 草你妈: { weight: 1, floor: 'severe' },
  你妈的: { weight: 0.8, floor: 'severe' }, 去死: { weight: 1, floor: 'severe' }, 死全家: { weight: 1, floor: 'severe' },
}

/**
 * Sarcasm that needs no context: praise no customer means (你们可真行, 我谢谢你). Reported as `sarcasm` signals and
 * weighed like an insult. Praise that is only sarcastic next to a complaint is in SARCASM_MARKERS.
 */
export const SARCASTIC_PHRASES: Readonly<Record<string, number>> = {
  可真行: 0.6, 你们真行: 0.6, 你真行: 0.6, 真有你的: 0.6, 真有你们的: 0.6, 我谢谢你: 0.6, 谢谢你全家: 0.75, 谢谢你们全家: 0.75,
  我真是谢谢: 0.6, 呵呵哒: 0.45, 好一个: 0.3,
}

/**
 * Praise and smiles that turn sarcastic in a complaint (真是快啊，一个月了还没到; 又坏了[微笑]) and are harmless
 * otherwise (真快，昨天下单今天就到了). Each adds its weight as a `sarcasm` signal only when the message also
 * complains: another negative signal, or a COMPLAINT_CONTEXT pattern.
 */
export const SARCASM_MARKERS: Readonly<Record<string, number>> = {
  真快: 0.6, 真是快: 0.6, 可真快: 0.6, 好快啊: 0.6, 真高: 0.6, 可真高: 0.6, 真好: 0.6, 真棒: 0.6, 真厉害: 0.6,
  厉害了: 0.6, 好样的: 0.6, 真及时: 0.6, 真负责: 0.6, 真专业: 0.6, 真靠谱: 0.6, 效率高: 0.6, 好家伙: 0.3,
  '[微笑]': 0.6,
}

/** What makes praise sarcastic when no other negative signal is there: a long wait, something happening again. */
export const COMPLAINT_CONTEXT: readonly RegExp[] = [
  /(?:[一两三四五六七八九十几半\d]+|好几)个?(?:天|星期|礼拜|周|月)了/u,
  /第[一二三四五六七八九十几\d]+(?:天|次|遍)/u,
  /又(?:是|要|没|不|坏|错|来|延|发错|慢)/u,
  /还(?:没|不|是没|是不)/u,
  /(?:一天|半天|一直)没人/u,
]

/**
 * Unicode emoji, WeChat bracket emoji (what the WeChat client sends as text for its built-in faces) and a few kaomoji
 * fragments. Sad faces weigh less than angry ones: a crying customer is unhappy, not yet hostile.
 */
export const EMOJI: Readonly<Record<string, number>> = {
  '🤬': 0.6, '😡': 0.5, '😠': 0.45, '💢': 0.4, '🖕': 0.5, '😤': 0.35, '👎': 0.35, '😭': 0.3, '😫': 0.25, '😩': 0.25,
  '💔': 0.2, '🙄': 0.2, '😒': 0.2, '😞': 0.15, '😔': 0.15, '😢': 0.15,
  '[怒]': 0.5, '[发怒]': 0.5, '[抓狂]': 0.45, '[咒骂]': 0.55, '[敲打]': 0.35, '[鄙视]': 0.35, '[白眼]': 0.3, '[翻白眼]': 0.3,
  '[弱]': 0.3, '[撇嘴]': 0.25, '[衰]': 0.2, '[委屈]': 0.25, '[快哭了]': 0.25, '[难过]': 0.2, '[流泪]': 0.2, '[大哭]': 0.3,
  '[裂开]': 0.25, '[叹气]': 0.2, '[苦涩]': 0.2, '[吐]': 0.3, '[晕]': 0.15,
  '┻━┻': 0.5, '╯°□°': 0.5, '╬': 0.4, 'ಠ_ಠ': 0.25,
}

export interface IntensifierEntry {
  /** Multiplies the weight of the next negative signal if it starts within INTENSIFIER_WINDOW characters. */
  multiplier: number
  /** Weight of its own when nothing negative follows: 到底 already sounds impatient ("你们到底发不发"). */
  standalone?: number
}

export const INTENSIFIERS: Readonly<Record<string, IntensifierEntry>> = {
  太: { multiplier: 1.5 }, 非常: { multiplier: 1.5 }, 特别: { multiplier: 1.5 }, 真的: { multiplier: 1.4 }, 真: { multiplier: 1.3 },
  超级: { multiplier: 1.6 }, 超: { multiplier: 1.4 }, 简直: { multiplier: 1.5 }, 很: { multiplier: 1.3 }, 好: { multiplier: 1.3 },
  极其: { multiplier: 1.7 }, 十分: { multiplier: 1.5 }, 相当: { multiplier: 1.4 }, 巨: { multiplier: 1.5 }, 贼: { multiplier: 1.5 },
  实在: { multiplier: 1.4 }, 根本: { multiplier: 1.4 }, 完全: { multiplier: 1.3 }, 这么: { multiplier: 1.2 }, 那么: { multiplier: 1.2 },
  越来越: { multiplier: 1.3 }, 老是: { multiplier: 1.3 }, 总是: { multiplier: 1.2 }, 最: { multiplier: 1.3 },
  到底: { multiplier: 1.3, standalone: 0.15 }, 究竟: { multiplier: 1.3, standalone: 0.15 },
}

/** How far (in characters after the intensifier) the negative word may start: 特别的慢, 简直就是垃圾. */
export const INTENSIFIER_WINDOW = 3

/**
 * Negators and how strongly they negate. Hedged forms (不太好) count less than flat ones (不好), emphatic ones
 * (一点都不好) more. Only 不/没 families: 别 is an imperative (别生气 calms, 别敷衍我 accuses), 无/未 are mostly neutral.
 */
export const NEGATORS: Readonly<Record<string, number>> = {
  一点都不: 1.4, 一点也不: 1.4, 一点儿都不: 1.4, 一点儿也不: 1.4, 根本不: 1.4, 根本没: 1.4, 完全不: 1.3, 完全没: 1.3,
  不是很: 0.8, 不是太: 0.8, 不是特别: 0.8, 不是那么: 0.8, 不太: 0.8, 不怎么: 0.8, 不够: 0.9, 不大: 0.8,
  并不: 1, 并没有: 1, 毫不: 1.2, 不: 1, 没有: 1, 没: 1,
}

/** Words allowed between a negator and what it negates: 不会给差评, 不想生气, 不是在生气. Longest first. */
export const NEGATOR_FILLERS: readonly string[] = ['打算', '会去', '是要', '是想', '想要', '是在', '会', '想', '要', '去', '是', '在']

export interface PositiveEntry {
  /** Weight of the negated form: 不满意 adds 0.45. */
  weight: number
  /** Continuations that make it a different word: 不快递 is not 不快. */
  notFollowedBy?: readonly string[]
}

/** Positive words that turn negative after a negator. A negated negative (不差, 不生气) adds nothing. */
export const POSITIVE_WORDS: Readonly<Record<string, PositiveEntry>> = {
  满意: { weight: 0.45 }, 好: { weight: 0.35 }, 行: { weight: 0.3 }, 靠谱: { weight: 0.45 }, 专业: { weight: 0.4 },
  负责: { weight: 0.45 }, 负责任: { weight: 0.5 }, 及时: { weight: 0.3 }, 合理: { weight: 0.35 }, 像话: { weight: 0.5 },
  值: { weight: 0.3 }, 划算: { weight: 0.25 }, 给力: { weight: 0.3 }, 到位: { weight: 0.3 }, 厚道: { weight: 0.45 },
  讲理: { weight: 0.5 }, 讲道理: { weight: 0.5 }, 合格: { weight: 0.4 }, 正规: { weight: 0.4 }, 准时: { weight: 0.3 },
  友好: { weight: 0.35 }, 耐心: { weight: 0.35 }, 认真: { weight: 0.35 }, 热情: { weight: 0.25 }, 新鲜: { weight: 0.35 },
  方便: { weight: 0.2 }, 喜欢: { weight: 0.25 }, 舒服: { weight: 0.25 }, 快: { weight: 0.2, notFollowedBy: ['递'] },
  诚信: { weight: 0.5 }, 地道: { weight: 0.35 }, 放心: { weight: 0.35 }, 对: { weight: 0.25 }, 对劲: { weight: 0.3 },
  一样: { weight: 0.25 }, 符合: { weight: 0.3 },
}

/**
 * Phrases that contain a listed word but mean something else. Matched like any entry (longest wins) and then skipped,
 * so 麻烦问一下 never reaches 烦, 差不多 never reaches 差, 不用了 is not a negation.
 */
export const NEUTRAL_PHRASES: readonly string[] = [
  '不好意思', '不好说', '不客气', '不用', '不要', '不需要', '不想要', '不知道', '不清楚', '不确定', '不一定', '没关系', '没事',
  '没问题', '没有问题', '没什么问题', '没啥问题', '不麻烦', '麻烦', '烦请', '烦劳', '差不多', '差价', '出差', '差点', '差一点',
  '还差', '差额', '补差', '误差', '时差', '相差', '慢慢', '慢走', '工商银行', '贵司', '贵公司', '贵店', '贵姓', '错过',
  '还不错', '坑位', '好评', '好坏', '坏账', '工商注册', '工商登记', '工商执照',
  '垃圾袋', '垃圾桶', '垃圾箱', '垃圾分类', '垃圾篓', '别着急', '别急', '不着急', '真高兴', '真好吃', '真好看', '真好用',
]

/** Han characters whose runs are laughter, thanks or agreement rather than impatience (哈哈哈, 谢谢谢, 好好好). */
export const REPETITION_EXEMPT = new Set(['哈', '呵', '嘿', '嘻', '嘎', '么', '谢', '好', '嗯', '哦', '对', '是', '啦', '哇'])

/** Characters whose runs are plainly impatience (快快快, 急急急) and weigh more than other repeats. */
export const IMPATIENT_CHARACTERS = new Set(['快', '急', '催', '在', '喂', '啊', '人', '呢'])

/** Multi-character patterns a lexicon lookup cannot express: waiting times (等了一个星期, 等了好久). */
export const WAITING_PATTERNS: readonly { pattern: RegExp; weight: number }[] = [
  { pattern: /等了(?:好|快|整整|足足|都)?[一二两三四五六七八九十几半\d]+多?个?(?:天|星期|礼拜|周|月|小时)/g, weight: 0.25 },
  { pattern: /等了(?:好久|半天|这么久|很久|那么久)/g, weight: 0.3 },
]
