import { toSimplified } from './to-simplified.js'

/**
 * Courtesy phrases customers wrap questions in; they say nothing about the intent. Longest first so
 * 麻烦问一下 is removed whole. Only removed when something else is left.
 */
const COURTESY = ['麻烦问一下', '麻烦问下', '想问一下', '想问下', '请问一下', '请问下', '请问', '问一下', '问下', '你好', '您好', '在吗', '在不在', '谢谢', '哈喽', '亲亲', '亲']

/**
 * Canonical form for matching: full-width to half-width (NFKC), traditional characters to simplified (請問 → 请问,
 * see `toSimplified`), lower case, digit runs become "0" so dates
 * and amounts share features, and anything that is not a letter or digit (punctuation, emoji, spaces) is dropped.
 *
 * @example
 * normalizeText('您好！请问 12月3号 能发货吗？？') // '0月0号能发货吗'
 */
export function normalizeText(text: string): string {
  const plain = toSimplified(text.normalize('NFKC'))
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '')
    .replace(/\p{N}+/gu, '0')
  // Until nothing changes, so the result is already normalised (请请问问 leaves 请问 after one pass).
  let stripped = plain
  for (let previous = ''; previous !== stripped; ) {
    previous = stripped
    for (const phrase of COURTESY) stripped = stripped.split(phrase).join('')
    // 0请问0 leaves 00: digit runs that meet again are still one run.
    stripped = stripped.replace(/\p{N}+/gu, '0')
  }
  return stripped.length > 0 ? stripped : plain
}
