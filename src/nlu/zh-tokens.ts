import nodeNlp from 'node-nlp'
import { getChineseDictionary } from './zh-dictionary.js'

let shared: ((normalizedText: string) => string[]) | undefined

/**
 * node-nlp's own zh tokens, the input of its classifier: dictionary words spelt as toned pinyin. Shares the
 * process-wide compiled dictionary (see `getChineseDictionary`).
 *
 * @example
 * getZhTokenizer()('快递') // ['kuai4', 'di4']
 */
export function getZhTokenizer(): (normalizedText: string) => string[] {
  if (shared) return shared
  getChineseDictionary() // compile the shared dictionary once, quietly, before the stemmer needs it
  const stemmer = nodeNlp.NlpUtil.getStemmer('zh')
  const processText = stemmer.processText?.bind(stemmer)
  if (!processText) throw new Error('node-nlp zh stemmer has no processText(); check the node-nlp version')
  shared = processText
  return shared
}
