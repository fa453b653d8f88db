// node-nlp 4.x ships no type declarations; these cover only the pieces QunDesk uses.
declare module 'node-nlp' {
  export interface NlpFeatures {
    [feature: string]: number
  }
  export interface NeuralNetworkSettings {
    iterations?: number
    errorThresh?: number
    deltaErrorThresh?: number
    learningRate?: number
    momentum?: number
    alpha?: number
    log?: boolean
  }
  export class NeuralNetwork {
    constructor(settings?: NeuralNetworkSettings)
    train(corpus: Array<{ input: NlpFeatures; output: NlpFeatures }>): { error: number; iterations: number }
    /** Raw per-intent activations (ReLU * alpha); undefined before training. */
    run(input: NlpFeatures): Record<string, number> | undefined
  }
  export interface ZhDictionaryEntry {
    traditional: string
    simplified: string
    pinyin: string
    definition: string
  }
  export interface ZhDictionary {
    start(): void
    search(word: string): ZhDictionaryEntry[] | undefined
    getPinyin(char: string): string[] | string
    segment(text: string): string[]
    /** Filled by start(): every CC-CEDICT entry by its simplified and by its traditional spelling. */
    simplified?: Record<string, ZhDictionaryEntry[]>
    traditional?: Record<string, ZhDictionaryEntry[]>
  }
  export interface Stemmer {
    dictionary?: ZhDictionary
    stem(text: string): Promise<string[]>
    /** zh: dictionary words turned into toned pinyin syllables, e.g. 快递 -> ['kuai4', 'di4']. Synchronous. */
    processText?(text: string): string[]
  }
  export class NlpUtil {
    static getStemmer(locale: string): Stemmer
  }
  const nodeNlp: { NeuralNetwork: typeof NeuralNetwork; NlpUtil: typeof NlpUtil }
  export default nodeNlp
}
