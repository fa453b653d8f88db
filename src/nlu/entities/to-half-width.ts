/**
 * Full-width ASCII (１３８, ＡＢＣ, ：) and the ideographic space to their half-width forms, one UTF-16 unit for one,
 * so offsets found in the result are offsets in the original. NFKC would do more but can change the length.
 *
 * @example
 * toHalfWidth('订单号：ＤＤ２０２６') // '订单号:DD2026'
 */
export function toHalfWidth(text: string): string {
  let out = ''
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code >= 0xff01 && code <= 0xff5e) out += String.fromCharCode(code - 0xfee0)
    else if (code === 0x3000) out += ' '
    else if (code === 0xffe5) out += '¥' // full-width yen sign, the one Chinese IMEs type for 元
    else out += text[i]
  }
  return out
}
