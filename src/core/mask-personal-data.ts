/**
 * Phone numbers and order ids, in one precompiled pattern (one pass per string). The shapes follow
 * src/nlu/entities/find-identifiers.ts (core imports nothing of ours, so they are repeated here):
 * - a mainland mobile, 11 digits from 1[3-9], optionally +86/0086 and 3-4-4 groups with one separator;
 * - a labelled code after 订单号/单号/快递单号/运单号…, at least 6 characters with 4 digits;
 * - a bare long number (12–24 digits) or a courier code (1–4 letters, 10–22 digits).
 * Full-width digits are not matched: the pattern stays cheap, and the channels hand us half-width ids in practice.
 */
const PERSONAL = new RegExp(
  [
    String.raw`(?<![a-z0-9+])(?:(?:\+|00)86[\s-]?)?(?<p3>1[3-9]\d)(?<sep>[\s-]?)\d{4}\k<sep>(?<p4>\d{4})(?!\d)`,
    String.raw`(?<label>(?:订单编号|订单号码|订单号|快递单号|物流单号|运单号|快递号|单号|订单)[\s:：#＃是为]*)(?<code>[a-z0-9][a-z0-9-]*[a-z0-9])`,
    String.raw`(?<bare>(?<![a-z0-9])(?:[a-z]{1,4}\d{10,22}|\d{12,24})(?![a-z0-9]))`,
  ].join('|'),
  'gi',
)

/** Nothing shorter can hold a phone (11), a labelled id (2 + 6) or a bare id (11). */
const MIN_LENGTH = 8

interface Groups { p3?: string; p4?: string; label?: string; code?: string; bare?: string }

const maskId = (id: string) => `${id.slice(0, 2)}****${id.slice(-2)}`

function replace(match: string, ...rest: unknown[]): string {
  const g = rest[rest.length - 1] as Groups
  if (g.p3 !== undefined) return `${g.p3}****${g.p4}`
  if (g.bare !== undefined) return maskId(g.bare)
  const code = g.code ?? ''
  // 订单ab or 单号12 is a fragment, not an id (the same threshold as the entity extractor).
  if (code.length < 6 || (code.match(/\d/g)?.length ?? 0) < 4) return match
  return `${g.label}${maskId(code)}`
}

/**
 * Masks phone numbers (138****5678) and order ids (first 2 and last 2 characters: DD****01) in a string.
 *
 * @example
 * maskPersonalData('电话 +86 138-1234-5678，订单号：DD20261123001') // '电话 138****5678，订单号：DD****01'
 */
export function maskPersonalData(text: string): string {
  return text.length < MIN_LENGTH ? text : text.replace(PERSONAL, replace)
}
