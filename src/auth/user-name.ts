/**
 * Console user names, compared the way a person reads them. `Boss`, `boss` and fullwidth `ｂｏｓｓ` are one name
 * (normaliseUserName: NFKC, lower case); Cyrillic `bоss` is another name that looks the same (userNameSkeleton maps
 * Cyrillic and Greek look-alikes to Latin), and two such users would let one pass for the other in the audit log.
 */

/** NFKC and lower case: how a name is stored and how a login is looked up. */
export function normaliseUserName(name: string): string {
  return name.trim().normalize('NFKC').toLowerCase()
}

// Cyrillic and Greek letters that render like a Latin letter. Capitals first, as they look before lower-casing
// (Greek Ν is an N, its small ν a v); then the small letters.
const LOOK_ALIKE_CAPITALS: Record<string, string> = {
  А: 'a', В: 'b', Е: 'e', Ё: 'e', К: 'k', М: 'm', Н: 'h', О: 'o', Р: 'p', С: 'c', Т: 't', У: 'y', Х: 'x', Ѕ: 's', І: 'i',
  Ї: 'i', Ј: 'j', Һ: 'h', Ԁ: 'd', Ԛ: 'q', Ԝ: 'w', Ӏ: 'l',
  Α: 'a', Β: 'b', Ε: 'e', Ζ: 'z', Η: 'h', Ι: 'i', Κ: 'k', Μ: 'm', Ν: 'n', Ο: 'o', Ρ: 'p', Τ: 't', Υ: 'y', Χ: 'x',
}
const LOOK_ALIKES: Record<string, string> = {
  а: 'a', в: 'b', е: 'e', ё: 'e', к: 'k', м: 'm', н: 'h', о: 'o', р: 'p', с: 'c', т: 't', у: 'y', х: 'x',
  ѕ: 's', і: 'i', ї: 'i', ј: 'j', һ: 'h', ԁ: 'd', ԛ: 'q', ԝ: 'w', ӏ: 'l', ь: 'b', ɡ: 'g',
  α: 'a', β: 'b', γ: 'y', ε: 'e', η: 'n', ι: 'i', κ: 'k', ν: 'v', ο: 'o', ρ: 'p', τ: 't', υ: 'u', χ: 'x', ω: 'w',
  ζ: 'z', μ: 'u', ς: 'c', σ: 'o',
}

/**
 * What a name looks like: two names with the same skeleton cannot both be console users.
 *
 * @example
 * userNameSkeleton('Bоss') === userNameSkeleton('boss') // true: the "о" is Cyrillic
 */
export function userNameSkeleton(name: string): string {
  const latin = Array.from(name.trim().normalize('NFKC'), (c) => LOOK_ALIKE_CAPITALS[c] ?? c).join('')
  return Array.from(latin.toLowerCase(), (c) => LOOK_ALIKES[c] ?? c).join('')
}
