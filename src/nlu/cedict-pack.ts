// The compact, prebuilt form of node-nlp's CC-CEDICT: everything QunDesk asks of the dictionary (greedy segmentation,
// pinyin, node-nlp's zh tokens, traditional → simplified tables), precomputed per dictionary word and held in a few
// typed arrays instead of node-nlp's ~240,000 entry objects. `npm run build` writes it to dist/nlu/cedict.bin
// (scripts/build-dictionary.js); zh-dictionary.ts loads it. Pure: no file access here.

/** One CC-CEDICT entry as node-nlp's Dictionary holds it. */
export interface CedictEntry {
  traditional: string
  simplified: string
  pinyin: string
  definition: string
}

/** node-nlp's compiled Dictionary: every entry by simplified and by traditional spelling. */
export interface CompiledCedict {
  simplified: Record<string, CedictEntry[]>
  traditional: Record<string, CedictEntry[]>
}

/** Bumped whenever the layout or what is precomputed changes; a dist/ file of another format is not used. */
export const CEDICT_PACK_FORMAT = 1

export interface CedictPack {
  /** Every word (simplified or traditional spelling), concatenated as UTF-16 code units. */
  keyUnits: Uint16Array
  /** Word i is keyUnits[keyStart[i] .. keyStart[i + 1]). */
  keyStart: Uint32Array
  /** Open-addressing hash table (power-of-two size) of word index + 1; 0 is empty. */
  slots: Uint32Array
  /** 1 + index into `syllables` of `pinyin(word)`; 0 when node-nlp's first reading is empty. */
  firstSyllable: Uint16Array
  /** `pinyinReadings(word)` is syllables[readingIds[readingStart[i] .. readingStart[i + 1])]. */
  readingStart: Uint32Array
  readingIds: Uint16Array
  /** 1 + index of what node-nlp's zh stemmer turns the word into (its toned pinyin); 0 when it drops the word. */
  stemOf: Uint32Array
  stemStart: Uint32Array
  stemUnits: Uint16Array
  syllables: string[]
  /** Traditional → simplified: single characters, and phrases that convert differently together (see to-simplified.ts). */
  conversion: { chars: Array<[string, string]>; words: Array<[string, string]> }
}

// ---- building (at build time, or as a fallback at run time) -----------------------------------------------------

/**
 * Precomputes, for every word of a compiled CC-CEDICT, exactly what the old code asked node-nlp at run time.
 * Each formula below is the one zh-dictionary.ts, node-nlp's stemmer-zh and to-simplified.ts applied to
 * `search(word)` (entries by simplified spelling, else traditional).
 */
export function packCedict(cedict: CompiledCedict): CedictPack {
  const { simplified, traditional } = cedict
  const own = (table: Record<string, CedictEntry[]>, key: string) => (Object.hasOwn(table, key) ? table[key] : undefined)
  const search = (word: string) => own(simplified, word) ?? own(traditional, word)
  const words = [...new Set([...Object.keys(simplified), ...Object.keys(traditional)])]

  const syllableIds = new Map<string, number>()
  const syllables: string[] = []
  const syllableId = (s: string) => {
    let id = syllableIds.get(s)
    if (id === undefined) syllableIds.set(s, (id = syllables.push(s) - 1))
    return id
  }
  const stemIds = new Map<string, number>()
  const stems: string[] = []

  const keyStart = new Uint32Array(words.length + 1)
  const firstSyllable = new Uint16Array(words.length)
  const readingStart = new Uint32Array(words.length + 1)
  const readingIds: number[] = []
  const stemOf = new Uint32Array(words.length)
  let units = 0
  words.forEach((word, i) => {
    keyStart[i] = units
    units += word.length
    const entries = search(word)!
    // getChineseDictionary().pinyin: the first syllable of the first entry, toneless.
    const first = entries[0]!.pinyin.split(' ')[0]
    if (first) firstSyllable[i] = syllableId(toneless(first)) + 1
    // pinyinReadings: every entry's reading that is one plain syllable, deduplicated, dictionary order.
    readingStart[i] = readingIds.length
    for (const reading of new Set(entries.map((e) => toneless(e.pinyin)).filter((p) => /^[a-z]+$/.test(p)))) readingIds.push(syllableId(reading))
    // stemmer-zh's translateToEnglish / parseDefinition.
    const stem = zhStem(entries, search)
    if (stem !== undefined) {
      let id = stemIds.get(stem)
      if (id === undefined) stemIds.set(stem, (id = stems.push(stem) - 1))
      stemOf[i] = id + 1
    }
  })
  keyStart[words.length] = units
  readingStart[words.length] = readingIds.length
  if (syllables.length >= 0xffff) throw new Error('CC-CEDICT has more distinct syllables than the pack can number')

  const keyUnits = new Uint16Array(units)
  words.forEach((word, i) => {
    for (let j = 0; j < word.length; j++) keyUnits[keyStart[i]! + j] = word.charCodeAt(j)
  })
  const slots = new Uint32Array(tableSize(words.length))
  const mask = slots.length - 1
  for (let i = 0; i < words.length; i++) {
    let slot = hashUnits(keyUnits, keyStart[i]!, keyStart[i + 1]! - keyStart[i]!) & mask
    while (slots[slot] !== 0) slot = (slot + 1) & mask
    slots[slot] = i + 1
  }
  const stemStart = new Uint32Array(stems.length + 1)
  let stemLength = 0
  stems.forEach((stem, i) => {
    stemStart[i] = stemLength
    stemLength += stem.length
  })
  stemStart[stems.length] = stemLength
  const stemUnits = new Uint16Array(stemLength)
  stems.forEach((stem, i) => {
    for (let j = 0; j < stem.length; j++) stemUnits[stemStart[i]! + j] = stem.charCodeAt(j)
  })
  return {
    keyUnits,
    keyStart,
    slots,
    firstSyllable,
    readingStart,
    readingIds: Uint16Array.from(readingIds),
    stemOf,
    stemStart,
    stemUnits,
    syllables,
    conversion: conversionTables(cedict, own),
  }
}

/** 'Zhang4' → 'zhang', 'lu:4' → 'lv', as zh-dictionary.ts always did (only the first u: is rewritten). */
function toneless(pinyin: string): string {
  return pinyin.toLowerCase().replace('u:', 'v').replace(/[0-9]/g, '')
}

/** node-nlp's stemmer-zh parseDefinition: particles are dropped, 你 is ni3, else every reading of the word. */
function zhStem(entries: CedictEntry[], search: (word: string) => CedictEntry[] | undefined): string | undefined {
  if (entries.some((e) => e.definition.includes('(possessive particle)'))) return undefined
  if (entries.some((e) => e.definition.includes('(modal particle'))) return undefined
  if (entries[0]!.definition.includes('you (')) return 'ni3'
  const readings = search(entries[0]!.simplified)
  return readings ? readings.map((e) => e.pinyin).join(' ') : entries[0]!.simplified
}

/** A power of two at least 2.5x the words, so linear probing stays short. */
function tableSize(words: number): number {
  let size = 1024
  while (size < words * 2.5) size *= 2
  return size
}

/** FNV-1a over UTF-16 code units; computed the same way over the pack and over a slice of the text looked up. */
function hashUnits(units: Uint16Array, start: number, length: number): number {
  let h = 0x811c9dc5
  for (let i = start; i < start + length; i++) h = Math.imul(h ^ units[i]!, 0x01000193)
  return h >>> 0
}

/** to-simplified.ts's tables, as that file built them from the compiled dictionary before. */
function conversionTables(cedict: CompiledCedict, own: (table: Record<string, CedictEntry[]>, key: string) => CedictEntry[] | undefined): CedictPack['conversion'] {
  const byTraditional = cedict.traditional
  const bySimplified = cedict.simplified
  const usage = (entries: CedictEntry[] | undefined) => entries?.length ?? 0
  // A character converts only if it is never written that way in simplified text: 後 → 后 yes, 乾 (乾坤) no.
  const candidates = new Map<string, Map<string, number>>()
  for (const [traditional, entries] of Object.entries(byTraditional)) {
    if ([...traditional].length !== 1 || own(bySimplified, traditional)) continue
    const counts = new Map<string, number>()
    for (const entry of entries) if (entry.simplified !== traditional) counts.set(entry.simplified, (counts.get(entry.simplified) ?? 0) + 1)
    if (counts.size > 0) candidates.set(traditional, counts)
  }
  const chars = new Map<string, string>()
  for (const [traditional, counts] of candidates) {
    // 餘 → 余 or 馀, 參 → 参 or 叁: the form CC-CEDICT lists most words under is the everyday one.
    const best = [...counts.keys()].sort((a, b) => usage(own(bySimplified, b)) - usage(own(bySimplified, a)) || (a < b ? -1 : 1))[0]!
    chars.set(traditional, best)
  }
  const convertChars = (text: string) => [...text].map((c) => chars.get(c) ?? c).join('')

  const words = new Map<string, Array<[string, string]>>()
  for (const [traditional, entries] of Object.entries(byTraditional)) {
    const letters = [...traditional]
    if (letters.length < 2 || !/^\p{Script=Han}+$/u.test(traditional)) continue
    const simplified = entries[0]!.simplified
    // Only phrases that character conversion gets wrong, and only those that cannot occur in simplified text
    // (they hold a purely traditional character): otherwise 什么二手 would meet the entry 么二 → 幺二.
    if (simplified === traditional || !letters.some((c) => chars.has(c)) || convertChars(traditional) === simplified) continue
    const list = words.get(letters[0]!) ?? []
    list.push([traditional, simplified])
    words.set(letters[0]!, list)
  }
  for (const list of words.values()) list.sort((a, b) => b[0].length - a[0].length)
  return { chars: [...chars], words: [...words.values()].flat() }
}

// ---- the file ---------------------------------------------------------------------------------------------------

const SECTIONS = ['keyUnits', 'keyStart', 'slots', 'firstSyllable', 'readingStart', 'readingIds', 'stemOf', 'stemStart', 'stemUnits'] as const
type SectionName = (typeof SECTIONS)[number]

interface PackHeader {
  format: number
  littleEndian: boolean
  /** What it was built from (e.g. the size of node-nlp's cedict file), so a stale file can be told apart. */
  source: Record<string, unknown>
  syllables: string[]
  conversion: CedictPack['conversion']
  /** Byte offset (from the end of the header, a multiple of 8) and element count of each typed array. */
  sections: Record<SectionName, [number, number]>
}

const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1

/** The file: a uint32 header length, the header as JSON, then the typed arrays, each 8-byte aligned. */
export function encodeCedictPack(pack: CedictPack, source: Record<string, unknown>): Uint8Array {
  const sections = {} as PackHeader['sections']
  let offset = 0
  for (const name of SECTIONS) {
    sections[name] = [offset, pack[name].length]
    offset = align(offset + pack[name].byteLength)
  }
  const header: PackHeader = { format: CEDICT_PACK_FORMAT, littleEndian, source, syllables: pack.syllables, conversion: pack.conversion, sections }
  const json = new TextEncoder().encode(JSON.stringify(header))
  const dataStart = align(4 + json.length)
  const out = new Uint8Array(dataStart + offset)
  new DataView(out.buffer).setUint32(0, json.length, true)
  out.set(json, 4)
  for (const name of SECTIONS) {
    const array = pack[name]
    out.set(new Uint8Array(array.buffer, array.byteOffset, array.byteLength), dataStart + sections[name][0])
  }
  return out
}

/**
 * Reads a file written by `encodeCedictPack` without copying the arrays (views on `bytes`, copied only when the
 * buffer is misaligned). Undefined when it is of another format or byte order, or was built from another source.
 */
export function decodeCedictPack(bytes: Uint8Array, expectedSource: Record<string, unknown>): CedictPack | undefined {
  if (bytes.length < 4) return undefined
  const length = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0, true)
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + length))) as PackHeader
  if (header.format !== CEDICT_PACK_FORMAT || header.littleEndian !== littleEndian) return undefined
  if (Object.entries(expectedSource).some(([key, value]) => header.source[key] !== value)) return undefined
  if (bytes.byteOffset % 8 !== 0) bytes = bytes.slice()
  const dataStart = bytes.byteOffset + align(4 + length)
  const view = <T>(name: SectionName, Type: { new (buffer: ArrayBufferLike, offset: number, length: number): T }) =>
    new Type(bytes.buffer, dataStart + header.sections[name][0], header.sections[name][1])
  return {
    keyUnits: view('keyUnits', Uint16Array),
    keyStart: view('keyStart', Uint32Array),
    slots: view('slots', Uint32Array),
    firstSyllable: view('firstSyllable', Uint16Array),
    readingStart: view('readingStart', Uint32Array),
    readingIds: view('readingIds', Uint16Array),
    stemOf: view('stemOf', Uint32Array),
    stemStart: view('stemStart', Uint32Array),
    stemUnits: view('stemUnits', Uint16Array),
    syllables: header.syllables,
    conversion: header.conversion,
  }
}

function align(n: number): number {
  return Math.ceil(n / 8) * 8
}

// ---- looking up -------------------------------------------------------------------------------------------------

/** node-nlp's longest match looks at most this many UTF-16 code units ahead. */
const LONGEST_MATCH = 8

export interface PackedDictionary {
  /** node-nlp's Dictionary#segment: greedy longest match (up to 8 UTF-16 code units), else one code unit. */
  segment(text: string): string[]
  /** Toneless first reading; undefined when the text is not a dictionary word. */
  pinyin(word: string): string | undefined
  /** Every one-syllable toneless reading, dictionary order; empty when none. A fresh array. */
  readings(word: string): string[]
  /** node-nlp's stemmer-zh processText: dictionary words as toned pinyin, particles dropped. */
  zhTokens(text: string): string[]
}

/**
 * Lookups over a pack. Words are found by hashing the text's own code units, so segmenting allocates only the
 * segments it returns. Unlike node-nlp's plain-object tables, a word is only ever a dictionary word: node-nlp also
 * "finds" Object.prototype names (valueOf, toString as segments; constructor makes its stemmer throw).
 */
export function createPackedDictionary(pack: CedictPack): PackedDictionary {
  const { keyUnits, keyStart, slots, firstSyllable, readingStart, readingIds, stemOf, stemStart, stemUnits, syllables } = pack
  const mask = slots.length - 1

  /** Index of text[start, start + length) among the words, or -1; `hash` is hashUnits over that slice. */
  const find = (text: string, start: number, length: number, hash: number): number => {
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const entry = slots[slot]!
      if (entry === 0) return -1
      const word = entry - 1
      const from = keyStart[word]!
      if (keyStart[word + 1]! - from !== length) continue
      let j = 0
      while (j < length && keyUnits[from + j] === text.charCodeAt(start + j)) j++
      if (j === length) return word
    }
  }
  const lookup = (word: string): number => {
    let h = 0x811c9dc5
    for (let i = 0; i < word.length; i++) h = Math.imul(h ^ word.charCodeAt(i), 0x01000193)
    return find(word, 0, word.length, h >>> 0)
  }
  const prefixHashes = new Uint32Array(LONGEST_MATCH + 1)

  const segment = (text: string): string[] => {
    const out: string[] = []
    let pos = 0
    while (pos < text.length) {
      const max = Math.min(LONGEST_MATCH, text.length - pos)
      let h = 0x811c9dc5
      for (let l = 1; l <= max; l++) prefixHashes[l] = h = Math.imul(h ^ text.charCodeAt(pos + l - 1), 0x01000193)
      let length = 1
      for (let l = max; l >= 1; l--) {
        if (find(text, pos, l, prefixHashes[l]! >>> 0) >= 0) {
          length = l
          break
        }
      }
      out.push(text.slice(pos, pos + length))
      pos += length
    }
    return out
  }

  const stem = (token: string): string | undefined => {
    const word = lookup(token)
    if (word < 0) return token // stemmer-zh keeps what the dictionary does not know
    const id = stemOf[word]!
    if (id === 0) return undefined
    // A few code units, decoded when asked: no multi-MB string of every stem held for the process' life.
    return String.fromCharCode(...stemUnits.subarray(stemStart[id - 1], stemStart[id]))
  }

  return {
    segment,
    pinyin(word) {
      const i = lookup(word)
      const id = i < 0 ? 0 : firstSyllable[i]!
      return id === 0 ? undefined : syllables[id - 1]
    },
    readings(word) {
      const i = lookup(word)
      if (i < 0) return []
      return Array.from(readingIds.subarray(readingStart[i], readingStart[i + 1]), (id) => syllables[id]!)
    },
    zhTokens(text) {
      // stemmer-zh's processText, step by step.
      const cleared = clearText(text)
      const segments: string[] = []
      let chars = ''
      for (const piece of segment(cleared)) {
        if (CHINESE_CHAR.test(piece)) {
          if (chars) segments.push(chars)
          chars = ''
          segments.push(piece)
        } else chars += piece
      }
      if (chars) segments.push(chars)
      const result: string[] = []
      for (const piece of segments) {
        const translated = stem(piece)
        if (translated) result.push(translated)
      }
      return clearText(result.join(' '))
        .toLowerCase()
        .split(' ')
        .filter((x) => x)
    },
  }
}

// stemmer-zh's clearText, verbatim: its RegExp is a pattern, not a character class, so it rarely matches; kept as is
// because node-nlp's classifier was trained on its output.
const CLEAR = new RegExp('.:+-=()"\'!?،,؛;。，？！￥：；《》【】（）', 'g')
function clearText(text: string): string {
  text = text.replace('？', ' ')
  text = text.replace('！', ' ')
  return text.replace(CLEAR, ' ')
}

// translate-zh's isChineseChar (node-nlp), verbatim but for the g flag (it built a new RegExp per call, so g did nothing).
const CHINESE_CHAR =
  /[\u2E80-\u2E99\u2E9B-\u2EF3\u2F00-\u2FD5\u3005\u3007\u3021-\u3029\u3038-\u303B\u3400-\u4DB5\u4E00-\u9FCC\uF900-\uFA6D\uFA70-\uFAD9]|[\uD840-\uD868\uD86A-\uD86C][\uDC00-\uDFFF]|\uD869[\uDC00-\uDED6\uDF00-\uDFFF]|\uD86D[\uDC00-\uDF34\uDF40-\uDFFF]|\uD86E[\uDC00-\uDC1D]|\uD87E[\uDC00-\uDE1D]/
