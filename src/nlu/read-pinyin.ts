/**
 * Toneless Mandarin syllables as typed on a keyboard (ü as v: lv, nv). Rare interjections (m, r, ei, yo) are left out so
 * English words are less often read as pinyin.
 */
const SYLLABLES: ReadonlySet<string> = new Set(
  (
    'a ai an ang ao ba bai ban bang bao bei ben beng bi bia bian biao bie bin bing bo bu ca cai can cang cao ce ceng cha chai chan chang chao che chen ' +
    'cheng chi chong chou chu chua chuai chuan chuang chui chun chuo ci cong cou cu cuan cui cun cuo da dai dan dang dao de dei deng di dian diao die ding ' +
    'diu dong dou du duan dui dun duo e en eng er fa fan fang fei fen feng fo fou fu ga gai gan gang gao ge gei gen geng gong gou gu gua guai guan guang ' +
    'gui gun guo ha hai han hang hao he hei hen heng hong hou hu hua huai huan huang hui hun huo ji jia jian jiang jiao jie jin jing jiong jiu ju juan jue ' +
    'jun ka kai kan kang kao ke ken keng kong kou ku kua kuai kuan kuang kui kun kuo la lai lan lang lao le lei leng li lia lian liang liao lie lin ling ' +
    'liu long lou lu luan lun luo lv ma mai man mang mao me mei men meng mi mian miao mie min ming miu mo mou mu na nai nan nang nao ne nei nen neng ni ' +
    'nian niang niao nie nin ning niu nong nu nuan nun nuo nv o ou pa pai pan pang pao pei pen peng pi pian piao pie pin ping po pou pu qi qia qian qiang ' +
    'qiao qie qin qing qiong qiu qu quan que qun ran rang rao re ren reng ri rong rou ru ruan rui run ruo sa sai san sang sao se sen seng sha shai shan ' +
    'shang shao she shei shen sheng shi shou shu shua shuai shuan shuang shui shun shuo si song sou su suan sui sun suo ta tai tan tang tao te teng ti ' +
    'tian tiao tie ting tong tou tu tuan tui tun tuo wa wai wan wang wei wen weng wo wu xi xia xian xiang xiao xie xin xing xiong xiu xu xuan xue xun ya ' +
    'yan yang yao ye yi yin ying yong you yu yuan yue yun za zai zan zang zao ze zei zen zeng zha zhai zhan zhang zhao zhe zhen zheng zhi zhong zhou zhu ' +
    'zhua zhuai zhuan zhuang zhui zhun zhuo zi zong zou zu zuan zui zun zuo'
  ).split(' '),
)

/** Longest syllable (zhuang, shuang): the DP below never looks further ahead. */
const MAX_SYLLABLE = 6
/** Longest run of Han characters a question's pinyin is read back into. */
const MAX_NGRAM = 4

export interface PinyinReader {
  /**
   * Rewrites each run of Latin letters that is plainly pinyin (it splits into syllables, at least two, and mostly into
   * words the knowledge base's examples use) as those Han words; everything else is returned as it was.
   */
  read(normalized: string): string
}

/**
 * Builds a reader from the knowledge base's own examples: every run of 1–4 Han characters in them, filed under its
 * toneless pinyin. A customer who types `kuaidi daonale` gets the examples' 快递到哪了 back, because that is what
 * the intents say (the pinyin view of the intents); homophones the knowledge base never uses cannot appear. Pure.
 *
 * @param examples normalised example texts (`normalizeText`)
 * @param readings toneless readings of one Han character, commonest first (`pinyinReadings`)
 *
 * @example
 * const reader = createPinyinReader(['我的快递到哪了', '怎么退款'], pinyinReadings)
 * reader.read('kuaididaonale') // '快递到哪了'
 * reader.read('tuikuan')       // '退款'
 * reader.read('vip')           // 'vip'
 */
export function createPinyinReader(examples: readonly string[], readings: (char: string) => readonly string[]): PinyinReader {
  // Count each Han n-gram once, then spell the distinct ones: examples repeat their words a lot.
  const ngramCounts = new Map<string, number>()
  for (const example of examples) {
    for (const run of example.match(/\p{Script=Han}+/gu) ?? []) {
      const chars = [...run]
      for (let start = 0; start < chars.length; start++) {
        let ngram = ''
        for (let n = 1; n <= MAX_NGRAM && start + n <= chars.length; n++) {
          ngram += chars[start + n - 1]!
          ngramCounts.set(ngram, (ngramCounts.get(ngram) ?? 0) + 1)
        }
      }
    }
  }
  // pinyin without separators (kuaidi) -> the n-gram the examples use most with that spelling
  const best = new Map<string, { ngram: string; count: number }>()
  for (const [ngram, count] of ngramCounts) {
    let spellings = ['']
    for (const char of ngram) {
      // Two readings per character (了: le, liao) and at most four spellings per n-gram keep this linear.
      const options = readings(char).slice(0, 2)
      if (options.length === 0) {
        spellings = []
        break
      }
      spellings = spellings.flatMap((s) => options.map((o) => s + o)).slice(0, 4)
    }
    for (const spelling of spellings) {
      const current = best.get(spelling)
      if (!current || count > current.count) best.set(spelling, { ngram, count })
    }
  }
  const maxSpelling = MAX_NGRAM * MAX_SYLLABLE

  const readRun = (run: string): string => {
    // Fewest pieces wins; a piece is a known n-gram (its Han) or, at a high cost, a bare syllable the KB never uses.
    const n = run.length
    const cost = new Array<number>(n + 1).fill(Number.POSITIVE_INFINITY)
    const step = new Array<{ from: number; han?: string; syllables: number } | undefined>(n + 1)
    cost[0] = 0
    for (let i = 0; i < n; i++) {
      if (cost[i] === Number.POSITIVE_INFINITY) continue
      for (let j = i + 1; j <= Math.min(n, i + maxSpelling); j++) {
        const piece = run.slice(i, j)
        const han = best.get(piece)?.ngram
        const syllables = han ? [...han].length : SYLLABLES.has(piece) ? 1 : 0
        if (syllables === 0) continue
        const c = cost[i]! + (han ? 1 : 3)
        if (c < cost[j]!) {
          cost[j] = c
          step[j] = han ? { from: i, han, syllables } : { from: i, syllables }
        }
      }
    }
    if (cost[n] === Number.POSITIVE_INFINITY) return run
    const pieces: Array<{ text: string; han?: string; syllables: number }> = []
    for (let j = n; j > 0; ) {
      const s = step[j]!
      pieces.unshift({ text: run.slice(s.from, j), ...(s.han ? { han: s.han } : {}), syllables: s.syllables })
      j = s.from
    }
    const syllables = pieces.reduce((sum, p) => sum + p.syllables, 0)
    const inWords = pieces.filter((p) => p.han && p.syllables >= 2).reduce((sum, p) => sum + p.syllables, 0)
    // One syllable (an, ok-ish words) or mostly unknown syllables (size = si + ze): not confidently pinyin.
    if (syllables < 2 || inWords * 2 < syllables) return run
    return pieces.map((p) => p.han ?? p.text).join('')
  }

  return {
    read(normalized) {
      return normalized.replace(/[a-z]+/g, (run) => (run.length > 60 ? run : readRun(run)))
    },
  }
}
