import type { Synonyms } from '../knowledge/synonyms.js'

/** Replaces variants with their term; identity when the knowledge base lists none. */
export type SynonymRewriter = (text: string) => string

const compiled = new WeakMap<Synonyms, SynonymRewriter>()

/**
 * Reads the knowledge base's `synonyms:` into a text: every variant becomes the term the examples use, so
 * `我的order到哪了` and `my order 到哪了` both read `订单`. Latin variants match whole words only (`order` but not
 * `reorder`), ignoring case and full-width forms; variants with Han characters match wherever they appear. Longer
 * variants win (`tracking number` before `tracking`). Pure; compiled once per synonyms list.
 *
 * @example
 * const rewrite = createSynonymRewriter([{ term: '订单', variants: ['order'] }])
 * rewrite('我的Order到哪了') // '我的订单到哪了'
 */
export function createSynonymRewriter(synonyms: Synonyms): SynonymRewriter {
  const cached = compiled.get(synonyms)
  if (cached) return cached
  const termOf = new Map<string, string>()
  for (const { term, variants } of synonyms) for (const variant of variants) termOf.set(fold(variant).replace(/\s+/g, ' '), term)
  let rewrite: SynonymRewriter = (text) => text
  if (termOf.size > 0) {
    // Terms match themselves, so a short variant inside a longer term (券 in 优惠券) never rewrites the term.
    for (const { term } of synonyms) if (!termOf.has(fold(term))) termOf.set(fold(term), term)
    const alternatives = [...termOf.keys()]
      .sort((a, b) => b.length - a.length)
      .map((variant) => {
        const body = variant.split(/\s+/).map(escapeRegExp).join('[\\s_-]*')
        return /^[a-z0-9]/.test(variant) || /[a-z0-9]$/.test(variant) ? `(?<![a-z0-9])${body}(?![a-z0-9])` : body
      })
    const pattern = new RegExp(alternatives.join('|'), 'gu')
    rewrite = (text) => fold(text).replace(pattern, (found) => ` ${termOf.get(found.replace(/[\s_-]+/g, ' ')) ?? termOf.get(found) ?? found} `)
  }
  compiled.set(synonyms, rewrite)
  return rewrite
}

/** How variants and texts are compared: NFKC (full-width to half-width) and lower case. */
function fold(text: string): string {
  return text.normalize('NFKC').toLowerCase()
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
