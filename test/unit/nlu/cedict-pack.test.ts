import fs from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import fc from 'fast-check'
import { beforeAll, describe, expect, it } from 'vitest'
import { createPackedDictionary, decodeCedictPack, encodeCedictPack, packCedict } from '../../../src/nlu/cedict-pack.js'
import type { CedictEntry, CedictPack, PackedDictionary } from '../../../src/nlu/cedict-pack.js'
import { normalizeText } from '../../../src/nlu/normalize-text.js'
import { toSimplified } from '../../../src/nlu/to-simplified.js'
import { chineseDictionarySource, getChineseDictionary, pinyinReadings, readPrebuiltCedict } from '../../../src/nlu/zh-dictionary.js'
import { getZhTokenizer } from '../../../src/nlu/zh-tokens.js'

// The reference: node-nlp's own Dictionary (its shared instance, compiled here) and its zh stemmer, exactly what
// QunDesk called before the dictionary was prebuilt.
const ROOT = path.resolve(import.meta.dirname, '../../..')
const fromNodeNlp = createRequire(createRequire(import.meta.url).resolve('node-nlp'))
interface NodeNlpDictionary {
  start(): void
  segment(text: string): string[]
  search(word: string): CedictEntry[] | undefined
  simplified: Record<string, CedictEntry[]>
  traditional: Record<string, CedictEntry[]>
}
const reference = fromNodeNlp('@nlpjs/lang-zh/src/dictionary') as NodeNlpDictionary
const StemmerZh = fromNodeNlp('@nlpjs/lang-zh/src/stemmer-zh') as new () => { processText(text: string): string[] }

/** zh-dictionary.ts's pinyin() and pinyinReadings() before, over node-nlp's search(). */
const toneless = (p: string) => p.toLowerCase().replace('u:', 'v').replace(/[0-9]/g, '')
function referencePinyin(char: string): string | undefined {
  const first = reference.search(char)?.[0]?.pinyin.split(' ')[0]
  return first ? toneless(first) : undefined
}
function referenceReadings(char: string): string[] {
  return [...new Set((reference.search(char) ?? []).map((e) => toneless(e.pinyin)).filter((p) => /^[a-z]+$/.test(p)))]
}

/** Every line of the shipped knowledge and of the test fixtures (examples, answers, eval cases), raw and normalised. */
function corpus(): string[] {
  const lines: string[] = []
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name)
      if (entry.isDirectory()) walk(file)
      else if (/\.(ya?ml|jsonl?|txt|md)$/.test(entry.name)) lines.push(...fs.readFileSync(file, 'utf8').split('\n'))
    }
  }
  walk(path.join(ROOT, 'knowledge'))
  walk(path.join(ROOT, 'test/fixtures'))
  const texts = lines.map((l) => l.trim().replace(/^-\s*/, '')).filter((l) => /\p{Script=Han}/u.test(l))
  return [...new Set([...texts, ...texts.map(normalizeText)])].filter((t) => t !== '')
}

let packed: PackedDictionary
let pack: CedictPack
let stemmer: { processText(text: string): string[] }

beforeAll(() => {
  const log = console.log
  console.log = () => {} // "Compiling dictionary"
  try {
    reference.start()
  } finally {
    console.log = log
  }
  stemmer = new StemmerZh()
  const prebuilt = readPrebuiltCedict()
  // `npm test` builds first; a bare `npx vitest run` on a fresh checkout needs `npm run build` once.
  expect(prebuilt, 'dist/nlu/cedict.bin is missing or stale: run `npm run build`').toBeDefined()
  pack = prebuilt!
  packed = createPackedDictionary(pack)
}, 60_000)

describe('the prebuilt CC-CEDICT (dist/nlu/cedict.bin) against node-nlp compiling its own', () => {
  it('is what the process-wide dictionary uses', () => {
    expect(chineseDictionarySource()).toBe('prebuilt')
  })

  it('segments and tokenizes every knowledge example and fixture line identically', () => {
    const texts = corpus()
    expect(texts.length).toBeGreaterThan(500)
    const tokenize = getZhTokenizer()
    for (const text of texts) {
      expect(packed.segment(text), text).toEqual(reference.segment(text))
      expect(getChineseDictionary().segment(text), text).toEqual(reference.segment(text))
      expect(tokenize(text), text).toEqual(stemmer.processText(text))
    }
  })

  it('gives the same pinyin and readings for every character U+4E00–U+9FFF', () => {
    const dictionary = getChineseDictionary()
    for (let code = 0x4e00; code <= 0x9fff; code++) {
      const char = String.fromCharCode(code)
      expect(dictionary.pinyin(char), char).toBe(referencePinyin(char))
      expect(pinyinReadings(char), char).toEqual(referenceReadings(char))
    }
  })

  it('gives the same pinyin and readings for every dictionary word', () => {
    for (const word of new Set([...Object.keys(reference.simplified), ...Object.keys(reference.traditional)])) {
      if (packed.pinyin(word) !== referencePinyin(word)) expect(packed.pinyin(word), word).toBe(referencePinyin(word))
      const readings = packed.readings(word)
      if (readings.length > 0 || referenceReadings(word).length > 0) expect(readings, word).toEqual(referenceReadings(word))
    }
  })

  it('segments, tokenizes and reads random CJK, ASCII, emoji and lone surrogates identically', () => {
    const unit = fc.oneof(
      fc.integer({ min: 0x4e00, max: 0x9fff }).map((c) => String.fromCharCode(c)),
      fc.integer({ min: 0x3400, max: 0x4dbf }).map((c) => String.fromCharCode(c)),
      fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
      fc.integer({ min: 0x20000, max: 0x2a6df }).map((c) => String.fromCodePoint(c)),
      fc.constantFrom('😀', '👨‍👩‍👧‍👦', '🇨🇳', '\ud800', '\udfff', '\ud840', '？', '！', '。', '，', '·', 'ü', 'Ａ', ' '),
      // Dictionary words, so that long matches (up to 8 units) and traditional spellings come up.
      fc.constantFrom('請問發票怎麼開', '乾淨', '卡拉OK', 'AA制', '21三体综合症', '中华人民共和国', '你好', '的', '了', '吗', '呢', '您'),
    )
    fc.assert(
      fc.property(fc.array(unit, { maxLength: 40 }).map((parts) => parts.join('')), (text) => {
        expect(packed.segment(text)).toEqual(reference.segment(text))
        expect(packed.zhTokens(text)).toEqual(stemmer.processText(text))
        for (const char of text) {
          expect(packed.pinyin(char)).toBe(referencePinyin(char))
          expect(packed.readings(char)).toEqual(referenceReadings(char))
        }
      }),
      { numRuns: 3000 },
    )
  })

  it('converts traditional text exactly as the tables built from node-nlp did', () => {
    const convert = referenceToSimplified()
    const traditional = Object.keys(reference.traditional).filter((w) => !Object.hasOwn(reference.simplified, w))
    for (const text of [...corpus(), ...traditional]) expect(toSimplified(text), text).toBe(convert(text))
  })

  it('survives encoding and decoding, and refuses a pack built from another CC-CEDICT', () => {
    const bytes = encodeCedictPack(pack, { cedictBytes: 1 })
    expect(decodeCedictPack(bytes, { cedictBytes: 2 })).toBeUndefined()
    const again = createPackedDictionary(decodeCedictPack(bytes, { cedictBytes: 1 })!)
    expect(again.segment('请问发票怎么开')).toEqual(reference.segment('请问发票怎么开'))
    expect(again.zhTokens('快递到哪了')).toEqual(stemmer.processText('快递到哪了'))
  })

  it('knows only dictionary words, where node-nlp also matched Object.prototype names', () => {
    // node-nlp looks words up in plain objects: valueOf and toString were "words", and its stemmer threw on
    // constructor. Normalised text is lower case, so the matcher only ever met the last one (and failed on it).
    expect(reference.segment('valueOf')).toEqual(['valueOf'])
    expect(packed.segment('valueOf')).toEqual(['v', 'a', 'l', 'u', 'e', 'O', 'f'])
    expect(() => stemmer.processText('constructor')).toThrow()
    expect(packed.zhTokens('constructor')).toEqual(['constructor'])
  })

  it('packs the same tables when built again in memory (the fallback without dist/)', () => {
    const rebuilt = packCedict({ simplified: reference.simplified, traditional: reference.traditional })
    const bytes = (p: CedictPack) => Buffer.from(encodeCedictPack(p, { cedictBytes: 0 }))
    expect(bytes(rebuilt).equals(bytes(pack))).toBe(true)
  }, 60_000)
})

/** to-simplified.ts's buildTables as it was before the pack, verbatim over node-nlp's tables. */
function referenceToSimplified(): (text: string) => string {
  const byTraditional = reference.traditional
  const bySimplified = reference.simplified
  const usage = (entries: CedictEntry[] | undefined) => entries?.length ?? 0
  const candidates = new Map<string, Map<string, number>>()
  for (const [traditional, entries] of Object.entries(byTraditional)) {
    if ([...traditional].length !== 1 || bySimplified[traditional]) continue
    const counts = new Map<string, number>()
    for (const entry of entries) if (entry.simplified !== traditional) counts.set(entry.simplified, (counts.get(entry.simplified) ?? 0) + 1)
    if (counts.size > 0) candidates.set(traditional, counts)
  }
  const chars = new Map<string, string>()
  for (const [traditional, counts] of candidates) {
    const best = [...counts.keys()].sort((a, b) => usage(bySimplified[b]) - usage(bySimplified[a]) || (a < b ? -1 : 1))[0]!
    chars.set(traditional, best)
  }
  const convertChars = (text: string) => [...text].map((c) => chars.get(c) ?? c).join('')
  const words = new Map<string, Array<[string, string]>>()
  for (const [traditional, entries] of Object.entries(byTraditional)) {
    const letters = [...traditional]
    if (letters.length < 2 || !/^\p{Script=Han}+$/u.test(traditional)) continue
    const simplified = entries[0]!.simplified
    if (simplified === traditional || !letters.some((c) => chars.has(c)) || convertChars(traditional) === simplified) continue
    const list = words.get(letters[0]!) ?? []
    list.push([traditional, simplified])
    words.set(letters[0]!, list)
  }
  for (const list of words.values()) list.sort((a, b) => b[0].length - a[0].length)
  return (text) => {
    let out = ''
    let i = 0
    while (i < text.length) {
      const ch = String.fromCodePoint(text.codePointAt(i)!)
      const phrase = words.get(ch)?.find(([traditional]) => text.startsWith(traditional, i))
      if (phrase) {
        out += phrase[1]
        i += phrase[0].length
        continue
      }
      out += chars.get(ch) ?? ch
      i += ch.length
    }
    return out
  }
}
