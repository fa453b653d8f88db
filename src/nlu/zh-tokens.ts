import { zhStemTokens } from './zh-dictionary.js'

/**
 * node-nlp's own zh tokens, the input of its classifier: dictionary words spelt as toned pinyin. The same tokens
 * node-nlp's zh stemmer (processText) gives, computed from the process-wide dictionary (see `getChineseDictionary`)
 * so node-nlp's copy of CC-CEDICT is never compiled.
 *
 * @example
 * getZhTokenizer()('快递') // ['kuai4', 'di4']
 */
export function getZhTokenizer(): (normalizedText: string) => string[] {
  return zhStemTokens
}
