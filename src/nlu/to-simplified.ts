import type { ZhDictionaryEntry } from 'node-nlp'
import { getCompiledCedict } from './zh-dictionary.js'

/** Traditional → simplified tables drawn from CC-CEDICT (node-nlp's bundled copy, maintained upstream by MDBG). */
interface ConversionTables {
  chars: Map<string, string>
  /** Phrases whose characters convert differently together (乾淨 → 干净, not 乾净), by first character, longest first. */
  words: Map<string, Array<[string, string]>>
}

let shared: ConversionTables | undefined

/**
 * Rewrites traditional characters as simplified ones, so 我要投訴 reads like 我要投诉 to the matcher, the emotion
 * detector and the entity finder. Characters that are also simplified in their own right (乾, 著, 於, 麼) are left
 * alone unless a dictionary phrase around them says otherwise (乾淨 → 干净). Everything that is not a traditional
 * character passes through unchanged, so the conversion is idempotent and safe on any string.
 *
 * The first call builds the tables from the process-wide dictionary (compiling it if nothing has yet, about 1.5 s);
 * later calls are a lookup per character.
 *
 * @example
 * toSimplified('請問發票怎麼開') // '请问发票怎么开'
 * toSimplified('我要投诉')       // '我要投诉'
 */
export function toSimplified(text: string): string {
  const tables = (shared ??= buildTables())
  let out = ''
  let i = 0
  while (i < text.length) {
    const code = text.codePointAt(i)!
    const ch = String.fromCodePoint(code)
    const phrase = tables.words.get(ch)?.find(([traditional]) => text.startsWith(traditional, i))
    if (phrase) {
      out += phrase[1]
      i += phrase[0].length
      continue
    }
    out += tables.chars.get(ch) ?? ch
    i += ch.length
  }
  return out
}

function buildTables(): ConversionTables {
  const cedict = getCompiledCedict() // compiles the shared CC-CEDICT once, quietly
  const byTraditional = cedict.traditional
  const bySimplified = cedict.simplified
  if (!byTraditional || !bySimplified) throw new Error('node-nlp did not expose CC-CEDICT by traditional spelling; check the node-nlp version')

  // A character converts only if it is never written that way in simplified text: 後 → 后 yes, 乾 (乾坤) no.
  const candidates = new Map<string, Map<string, number>>()
  for (const [traditional, entries] of Object.entries(byTraditional)) {
    if ([...traditional].length !== 1 || bySimplified[traditional]) continue
    const counts = new Map<string, number>()
    for (const entry of entries) if (entry.simplified !== traditional) counts.set(entry.simplified, (counts.get(entry.simplified) ?? 0) + 1)
    if (counts.size > 0) candidates.set(traditional, counts)
  }
  const chars = new Map<string, string>()
  for (const [traditional, counts] of candidates) {
    // 餘 → 余 or 馀, 參 → 参 or 叁: the form CC-CEDICT lists most words under is the everyday one.
    const best = [...counts.keys()].sort((a, b) => usage(bySimplified[b]) - usage(bySimplified[a]) || (a < b ? -1 : 1))[0]!
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
  return { chars, words }
}

function usage(entries: ZhDictionaryEntry[] | undefined): number {
  return entries?.length ?? 0
}
