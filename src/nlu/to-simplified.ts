import { getConversionTables } from './zh-dictionary.js'

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
 * The first call builds the tables from the process-wide dictionary (loading it if nothing has yet); later calls
 * are a lookup per character.
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
  // Precomputed with the dictionary (cedict-pack.ts: which characters and phrases convert, and to what).
  const { chars, words } = getConversionTables()
  const byFirst = new Map<string, Array<[string, string]>>()
  for (const [traditional, simplified] of words) {
    const first = String.fromCodePoint(traditional.codePointAt(0)!)
    const list = byFirst.get(first) ?? []
    list.push([traditional, simplified]) // already longest first within each first character
    byFirst.set(first, list)
  }
  return { chars: new Map(chars), words: byFirst }
}
