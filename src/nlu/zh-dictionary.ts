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
let compiled: ZhDictionary | undefined

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
  compiled = dictionary
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

/**
 * Every toneless reading of one Han character in CC-CEDICT, commonest (dictionary order) first, e.g. 了 -> ['le', 'liao'];
 * empty for anything else. Uses the shared compiled dictionary.
 *
 * @example
 * pinyinReadings('到') // ['dao']
 */
export function pinyinReadings(char: string): string[] {
  const cached = readingsCache.get(char)
  if (cached) return cached
  const entries = getCompiledCedict().search(char) ?? []
  const readings = [...new Set(entries.map((e) => e.pinyin.toLowerCase().replace('u:', 'v').replace(/[0-9]/g, '')).filter((p) => /^[a-z]+$/.test(p)))]
  readingsCache.set(char, readings)
  return readings
}

const readingsCache = new Map<string, string[]>()

/**
 * node-nlp's compiled CC-CEDICT itself (compiled on first use, like `getChineseDictionary`), for what the wrapper does
 * not offer: every reading of a character, the traditional spellings. Held here because node-nlp's `getStemmer` builds
 * a new stemmer on every call (milliseconds each).
 */
export function getCompiledCedict(): ZhDictionary {
  if (!compiled) getChineseDictionary()
  return compiled!
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
