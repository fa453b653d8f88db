import fs from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { createPackedDictionary, decodeCedictPack, packCedict } from './cedict-pack.js'
import type { CedictPack, CompiledCedict, PackedDictionary } from './cedict-pack.js'

/** Word segmentation and pinyin from node-nlp's bundled CC-CEDICT. */
export interface ChineseDictionary {
  /** Greedy longest-match words, e.g. 我的快递 -> [我, 的, 快递]. */
  segment(text: string): string[]
  /** Toneless pinyin of one character (first reading), e.g. 账 -> "zhang"; undefined for non-Chinese. */
  pinyin(char: string): string | undefined
}

/** The prebuilt file's name, next to the compiled zh-dictionary.js (dist/nlu/). */
export const CEDICT_PACK_FILE = 'cedict.bin'

let loaded: { pack: CedictPack; packed: PackedDictionary; source: 'prebuilt' | 'compiled' } | undefined
let shared: ChineseDictionary | undefined

/**
 * The process-wide dictionary, loaded on first use from the compact form `npm run build` writes
 * (dist/nlu/cedict.bin, see cedict-pack.ts): tens of ms and a few MB, where compiling node-nlp's CC-CEDICT took
 * seconds and ~150 MB. Without that file (or with one built from another node-nlp) it compiles node-nlp's copy as
 * before and packs it in memory, with the same results, only slower. Segments, pinyin and node-nlp's zh tokens
 * are exactly what node-nlp's own Dictionary and zh stemmer give (test/unit/nlu/cedict-pack.test.ts).
 *
 * @example
 * getChineseDictionary().pinyin('帐') === getChineseDictionary().pinyin('账') // true: both "zhang"
 */
export function getChineseDictionary(): ChineseDictionary {
  if (shared) return shared
  const { packed } = load()
  shared = { segment: packed.segment, pinyin: packed.pinyin }
  return shared
}

/**
 * Every toneless reading of one Han character in CC-CEDICT, commonest (dictionary order) first, e.g. 了 -> ['le', 'liao'];
 * empty for anything else. Uses the shared dictionary.
 *
 * @example
 * pinyinReadings('到') // ['dao']
 */
export function pinyinReadings(char: string): string[] {
  const cached = readingsCache.get(char)
  if (cached) return cached
  const readings = load().packed.readings(char)
  readingsCache.set(char, readings)
  return readings
}

const readingsCache = new Map<string, string[]>()

/** node-nlp's zh stemmer output (its classifier's input) for a text, from the shared dictionary; see zh-tokens.ts. */
export function zhStemTokens(text: string): string[] {
  return load().packed.zhTokens(text)
}

/** CC-CEDICT's traditional → simplified tables (see to-simplified.ts), from the shared dictionary. */
export function getConversionTables(): CedictPack['conversion'] {
  return load().pack.conversion
}

/** Whether the shared dictionary came from the prebuilt file or had to be compiled; for tests and benches. */
export function chineseDictionarySource(): 'prebuilt' | 'compiled' {
  return load().source
}

function load(): NonNullable<typeof loaded> {
  if (loaded) return loaded
  const prebuilt = readPrebuiltCedict()
  const pack = prebuilt ?? packCedict(compileNodeNlpCedict())
  loaded = { pack, packed: createPackedDictionary(pack), source: prebuilt ? 'prebuilt' : 'compiled' }
  return loaded
}

/**
 * The prebuilt pack, when there is one built from this node-nlp's CC-CEDICT. From dist/ it is the sibling file;
 * under vitest this module runs from src/nlu/*.ts, so we look in dist/nlu/ as `resolveTrainingWorker` does
 * (`npm test` builds first). Undefined otherwise, and the caller compiles.
 */
export function readPrebuiltCedict(): CedictPack | undefined {
  const candidates = [new URL(`./${CEDICT_PACK_FILE}`, import.meta.url), new URL(`../../dist/nlu/${CEDICT_PACK_FILE}`, import.meta.url)]
  const file = candidates.map((url) => fileURLToPath(url)).find((path) => fs.existsSync(path))
  if (!file) return undefined
  return decodeCedictPack(fs.readFileSync(file), cedictSource())
}

/** Identifies node-nlp's CC-CEDICT cheaply (its file size), so a pack built from another version is not used. */
export function cedictSource(): { cedictBytes: number } {
  return { cedictBytes: fs.statSync(nodeNlpRequire().resolve('@nlpjs/lang-zh/src/cedict_ts.u8.js')).size }
}

/**
 * Compiles node-nlp's CC-CEDICT (seconds, ~150 MB while it lives) in a Dictionary of our own, not node-nlp's
 * shared instance, so it is garbage once packed. For the build, and the fallback when no pack was built.
 */
export function compileNodeNlpCedict(): CompiledCedict {
  const shared = nodeNlpRequire()('@nlpjs/lang-zh/src/dictionary') as { constructor: new () => { start(): void } & Partial<CompiledCedict> }
  const dictionary = new shared.constructor()
  // node-nlp prints "Compiling dictionary" with console.log; keep it out of our structured logs.
  const log = console.log
  console.log = () => {}
  try {
    dictionary.start() // synchronous, so nothing else can log while it is muted
  } finally {
    console.log = log
  }
  if (!dictionary.simplified || !dictionary.traditional) throw new Error('node-nlp did not compile CC-CEDICT by simplified and traditional spelling; check the node-nlp version')
  return { simplified: dictionary.simplified, traditional: dictionary.traditional }
}

/** node-nlp's own dependencies (@nlpjs/*), resolved from its folder, without importing node-nlp (~1.2 s, every language). */
function nodeNlpRequire(): NodeJS.Require {
  return createRequire(createRequire(import.meta.url).resolve('node-nlp'))
}
