import { describe, expect, it } from 'vitest'
import { detectEmotion } from '../../../../src/nlu/emotion/detect-emotion.js'
import type { EmotionSignal } from '../../../../src/nlu/emotion/detect-emotion.js'
import type { Severity } from '../../../../src/core/vocabulary.js'

function kinds(text: string): EmotionSignal['kind'][] {
  return detectEmotion(text).signals.map((s) => s.kind)
}

function texts(text: string): string[] {
  return detectEmotion(text).signals.map((s) => s.text)
}

describe('detectEmotion: 简报里的四个例子', () => {
  it.each<[string, Severity]>([
    ['我的快递到哪了', 'none'],
    ['怎么还没发货', 'mild'],
    ['等了一个星期了还不发货，太过分了！！', 'moderate'],
    ['再不处理我就去12315投诉', 'severe'],
  ])('「%s」是 %s', (text, severity) => {
    expect(detectEmotion(text).severity).toBe(severity)
  })
})

describe('detectEmotion: 中性的话不报情绪', () => {
  it.each([
    ['我的快递到哪了'],
    ['麻烦问一下什么时候发货'],
    ['能不能开发票'],
    ['这款好不好用啊'],
    ['是不是明天发货'],
    ['有没有优惠券'],
    ['不用了，谢谢'],
    ['不要发票'],
    ['不需要包装'],
    ['不好意思打扰了'],
    ['没问题'],
    ['差不多就行'],
    ['还差多少钱包邮'],
    ['这个靠谱吗'],
    ['哈哈哈哈'],
    ['谢谢谢谢'],
    ['你好！！'],
    ['工商银行卡能付款吗'],
    ['工商注册要多久'],
    ['退款'],
    ['我要退货'],
    ['可以用usb充电吗'],
    ['好的'],
    [''],
  ])('「%s」→ none', (text) => {
    expect(detectEmotion(text)).toMatchObject({ severity: 'none' })
  })
})

describe('detectEmotion: 否定', () => {
  it.each([
    ['不满意', '不满意'],
    ['不太好', '不太好'],
    ['不行', '不行'],
    ['不靠谱', '不靠谱'],
    ['没用', '没用'],
    ['一点都不好', '一点都不好'],
    ['客服一点也不专业', '一点也不专业'],
    ['和图片不一样', '不一样'],
    ['不怎么样', '不怎么样'],
    ['服务态度不好', '不好'],
  ])('否定的正面词「%s」算负面（negation: %s）', (text, signal) => {
    const result = detectEmotion(text)
    expect(result.signals).toContainEqual(expect.objectContaining({ kind: 'negation', text: signal }))
    expect(result.severity).not.toBe('none')
  })

  it.each([['不生气'], ['没问题'], ['不差'], ['质量不错'], ['还不错'], ['不急，慢慢来'], ['我不会给差评的'], ['我没投诉'], ['我不是在生气']])(
    '否定的负面词「%s」不算负面',
    (text) => {
      expect(detectEmotion(text).severity).toBe('none')
    },
  )

  it('语气弱的否定（不太）比直接否定（不）轻，强调否定（一点都不）更重', () => {
    const weight = (text: string): number => detectEmotion(text).score
    expect(weight('不太好')).toBeLessThan(weight('不好'))
    expect(weight('不好')).toBeLessThan(weight('一点都不好'))
  })

  it('"不快递"里的"不快"不是否定', () => {
    expect(detectEmotion('发不快递').severity).toBe('none')
  })
})

describe('detectEmotion: 程度副词', () => {
  it.each([['太慢了', '太'], ['非常失望', '非常'], ['特别烦', '特别'], ['真的离谱', '真的'], ['超级坑', '超级'], ['简直就是垃圾', '简直'], ['很不满意', '很']])(
    '「%s」里的「%s」加重后面的负面词',
    (text, intensifier) => {
      expect(detectEmotion(text).signals).toContainEqual(expect.objectContaining({ kind: 'intensifier', text: intensifier }))
    },
  )

  it('加了程度副词的分数更高', () => {
    expect(detectEmotion('太慢了').score).toBeGreaterThan(detectEmotion('慢').score)
    expect(detectEmotion('非常失望').score).toBeGreaterThan(detectEmotion('失望').score)
  })

  it('程度副词后面没有负面词就不算（太好了、真的吗）', () => {
    expect(detectEmotion('太好了').severity).toBe('none')
    expect(detectEmotion('真的吗').severity).toBe('none')
  })

  it('"到底"单独出现也带一点不耐烦', () => {
    expect(detectEmotion('你们到底发不发').severity).toBe('mild')
  })
})

describe('detectEmotion: 表情与标点', () => {
  it.each([['😡'], ['🤬'], ['😤'], ['😠'], ['👎'], ['💢'], ['😭'], ['[怒]'], ['[发怒]'], ['[抓狂]'], ['(╯°□°)╯︵ ┻━┻']])('「%s」是负面表情', (text) => {
    expect(kinds(text)).toContain('emoji')
    expect(detectEmotion(text).severity).not.toBe('none')
  })

  it('生气的表情比难过的重', () => {
    expect(detectEmotion('🤬').score).toBeGreaterThan(detectEmotion('😭').score)
  })

  it.each([['怎么回事？？？', '???'], ['发货了吗?!?!', '?!?!'], ['还不发货！！！', '!!!'], ['好吧。。。', '。。。'], ['唉……', '......']])(
    '「%s」里重复的标点 %s 算一个信号',
    (text, run) => {
      expect(detectEmotion(text).signals).toContainEqual(expect.objectContaining({ kind: 'punctuation', text: run }))
    },
  )

  it('单个问号或感叹号不算', () => {
    expect(kinds('发货了吗？')).toEqual([])
    expect(kinds('收到了！')).toEqual([])
  })

  it('只有感叹号的客套话（你好！！）减半，不到 mild', () => {
    expect(detectEmotion('你好！！').severity).toBe('none')
    expect(detectEmotion('在吗？？？').severity).toBe('mild')
  })
})

describe('detectEmotion: 威胁与升级', () => {
  it.each([['我要投诉'], ['信不信我曝光你们'], ['打12315'], ['去消协'], ['找工商'], ['我要举报'], ['找律师'], ['我要起诉你们'], ['报警了'], ['找媒体'], ['给差评'], ['必须差评']])(
    '「%s」至少是 severe',
    (text) => {
      const result = detectEmotion(text)
      expect(result.severity).toBe('severe')
      expect(result.score).toBeGreaterThanOrEqual(0.85)
      expect(kinds(text)).toContain('threat')
    },
  )

  it('只说"差评"是 moderate，说要给差评才是 severe', () => {
    expect(detectEmotion('差评').severity).toBe('moderate')
    expect(detectEmotion('给你们差评').severity).toBe('severe')
  })

  it('信号说明为什么是 severe', () => {
    expect(texts('再不处理我就去12315投诉')).toEqual(['再不', '12315', '投诉'])
  })

  it('号码里碰巧出现 12315 不算威胁', () => {
    expect(detectEmotion('我电话是 13812315678').severity).toBe('none')
  })
})

describe('detectEmotion: 粗口、重复字、催促', () => {
  it.each([['妈的'], ['tmd'], ['TMD 又没发'], ['靠，又没发货'], ['卧槽']])('「%s」有粗口', (text) => {
    expect(kinds(text)).toContain('profanity')
  })

  it.each([['这个靠谱吗'], ['很可靠'], ['靠近门口放']])('「%s」里的"靠"不是粗口', (text) => {
    expect(kinds(text)).not.toContain('profanity')
  })

  it.each([['快快快'], ['急急急'], ['在吗在吗在吗']])('重复的字「%s」是不耐烦，mild', (text) => {
    expect(kinds(text)).toContain('repetition')
    expect(detectEmotion(text).severity).toBe('mild')
  })

  it.each([['急'], ['赶紧发货'], ['马上给我处理'], ['到底什么时候发货'], ['快点'], ['为什么不发货'], ['再不发货我就退款了']])('催促「%s」是 mild', (text) => {
    expect(detectEmotion(text).severity).toBe('mild')
  })
})

describe('detectEmotion: 负面词', () => {
  it.each<[string, Severity]>([
    ['发货太慢了', 'mild'],
    ['质量差', 'mild'],
    ['垃圾', 'moderate'],
    ['被坑了', 'mild'],
    ['骗子', 'moderate'],
    ['很失望', 'mild'],
    ['我很生气', 'moderate'],
    ['烦', 'mild'],
    ['无语', 'mild'],
    ['离谱', 'mild'],
    ['气死了', 'moderate'],
    ['太过分了', 'moderate'],
    ['质量太差了，简直就是垃圾😡😡！！！', 'severe'],
  ])('「%s」是 %s', (text, severity) => {
    expect(detectEmotion(text).severity).toBe(severity)
  })

  it('"麻烦"是客套话，"太麻烦了"才是抱怨', () => {
    expect(detectEmotion('麻烦帮我看下').severity).toBe('none')
    expect(detectEmotion('退货太麻烦了').severity).toBe('mild')
  })

  it('信号的权重加起来就是分数背后的总和', () => {
    const result = detectEmotion('等了一个星期了还不发货，太过分了！！')
    const sum = result.signals.reduce((total, s) => total + s.weight, 0)
    expect(result.score).toBeCloseTo(1 - Math.exp(-sum), 2)
    expect(texts('等了一个星期了还不发货，太过分了！！')).toEqual(['等了一个星期', '还不发', '过分', '太', '!!'])
  })

  it('同一个词重复出现逐次减半，不会线性叠加', () => {
    const weights = detectEmotion('垃圾垃圾垃圾').signals.filter((s) => s.kind === 'lexicon').map((s) => s.weight)
    expect(weights).toEqual([0.6, 0.3, 0.15])
  })
})

describe('detectEmotion: 恶意输入', () => {
  it.each([
    ['很长的负面文字', '垃圾'.repeat(500_000)],
    ['很长的中性文字', '你好'.repeat(500_000)],
    ['只有表情', '😡'.repeat(100_000)],
    ['只有标点', '!?'.repeat(100_000)],
    ['孤立的代理对', '\ud83d'.repeat(10_000)],
    ['控制字符', '\u0000\u0001\u200b'.repeat(1000)],
  ])('%s：分数在 0..1，信号数有上限', (_name, text) => {
    const result = detectEmotion(text)
    expect(result.score).toBeGreaterThanOrEqual(0)
    expect(result.score).toBeLessThanOrEqual(1)
    expect(result.signals.length).toBeLessThanOrEqual(64)
    for (const signal of result.signals) expect(signal.text.length).toBeLessThanOrEqual(20)
  })

  it('非字符串输入当作空', () => {
    expect(detectEmotion(undefined as unknown as string)).toEqual({ severity: 'none', score: 0, signals: [] })
  })
})

describe('detectEmotion: traditional characters read like simplified ones', () => {
  it.each<[string, Severity]>([
    ['我要投訴', 'severe'],
    ['再這樣我就報警了', 'severe'],
    ['什麼垃圾東西', 'moderate'],
    ['怎麼還沒發貨', 'mild'],
    ['請問什麼時候發貨', 'none'],
  ])('「%s」是 %s', (text, severity) => {
    expect(detectEmotion(text).severity).toBe(severity)
  })
})

describe('detectEmotion: sarcasm', () => {
  it.each<[string, Severity]>([
    ['你们可真行啊', 'moderate'],
    ['呵呵…真是快啊，一个月了还没到', 'moderate'],
    ['又坏了[微笑]', 'moderate'],
    ['说好的三天到货，这都第十天了[微笑]', 'moderate'],
    ['那不是骗人吗', 'moderate'],
    ['这不是骗人吗？', 'moderate'],
    ['我谢谢你们全家', 'moderate'],
  ])('「%s」是 %s', (text, severity) => {
    expect(detectEmotion(text).severity).toBe(severity)
    expect(kinds(text)).toContain('sarcasm')
  })

  it.each([['真快，昨天下单今天就到了'], ['收到[微笑]'], ['谢谢亲[微笑]'], ['真厉害，一下就修好了'], ['这不是上周买的那个吗'], ['今天真高兴']])(
    '「%s」 is praise or a plain question, not sarcasm',
    (text) => {
      expect(detectEmotion(text).severity).toBe('none')
    },
  )
})

describe('detectEmotion: negated threats', () => {
  it.each([['我不是要投诉，就是问问进度'], ['我不是想投诉，只想问下进度'], ['我没想投诉，就问一下'], ['不会去投诉的放心']])('「%s」 is not severe', (text) => {
    expect(detectEmotion(text).severity).toBe('none')
  })

  it.each([['不是我要投诉，是你们太过分了'], ['不处理我就投诉'], ['我不是开玩笑，我要投诉']])('「%s」 is still severe', (text) => {
    expect(detectEmotion(text).severity).toBe('severe')
  })
})

describe('detectEmotion: how abuse is really typed', () => {
  it.each<[string, Severity]>([
    ['辣鸡客服', 'moderate'],
    ['lj客服', 'moderate'],
    ['tmd到底发不发货', 'moderate'],
    ['特么的什么破东西', 'moderate'],
    ['他喵的等了半个月', 'moderate'],
    ['泥马，什么破东西', 'moderate'],
    ['草，又坏了', 'moderate'],
    ['你们是sb吗', 'severe'],
    ['傻逼店家', 'severe'],
    ['cnm', 'severe'],
  ])('「%s」是 %s', (text, severity) => {
    expect(detectEmotion(text).severity).toBe(severity)
  })

  it.each([['草莓有货吗'], ['垃圾袋有卖吗'], ['垃圾桶有几种颜色'], ['usb线多长'], ['sbs是什么'], ['不错不错，很满意'], ['别着急，我再等等']])('「%s」 is none', (text) => {
    expect(detectEmotion(text).severity).toBe('none')
  })
})
