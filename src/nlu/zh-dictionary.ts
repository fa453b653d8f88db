import nodeNlp from 'node-nlp'
import type { ZhDictionary } from 'node-nlp'

/** Word segmentation and pinyin from node-nlp's bundled CC-CEDICT. */
export interface ChineseDictionary {
  /** Greedy longest-match words, e.g. 我的快递 -> [我, 的, 快递]. */
  segment(text: string): string[]
  /** Toneless pinyin of one character (first reading), e.g. 账 -> "zhang"; undefined for non-Chinese. */
  pinyin(char: string): string | undefined
}

let shared: ChineseDictionary | undefined

/**
 * The process-wide dictionary. The first call compiles CC-CEDICT (about 1.5 s, synchronous); later calls and
 * every retrain reuse it, and node-nlp's own zh stemmer shares the same compiled instance.
 *
 * @example
 * getChineseDictionary().pinyin('帐') === getChineseDictionary().pinyin('账') // true: both "zhang"
 */
export function getChineseDictionary(): ChineseDictionary {
  if (shared) return shared
  const dictionary = nodeNlp.NlpUtil.getStemmer('zh').dictionary
  if (!dictionary) throw new Error('node-nlp did not provide its Chinese dictionary (stemmer-zh)')
  compileQuietly(dictionary)
  const pinyinCache = new Map<string, string | undefined>()
  shared = {
    segment: (text) => dictionary.segment(text),
    pinyin: (char) => {
      if (pinyinCache.has(char)) return pinyinCache.get(char)
      const readings = dictionary.search(char)
      // Dictionary order puts the common reading first; tones are dropped so 帐/账/仗 all meet.
      const first = readings?.[0]?.pinyin.split(' ')[0]
      const syllable = first ? first.toLowerCase().replace('u:', 'v').replace(/[0-9]/g, '') : undefined
      pinyinCache.set(char, syllable)
      return syllable
    },
  }
  return shared
}

/** node-nlp prints "Compiling dictionary" with console.log; keep it out of our structured logs. */
function compileQuietly(dictionary: ZhDictionary): void {
  const log = console.log
  console.log = () => {}
  try {
    dictionary.start() // synchronous, so nothing else can log while it is muted
  } finally {
    console.log = log
  }
}
