/**
 * Where a decision's thresholds came from (`IntentDecision.bands`, which `--json` and the
 * API keep as they are) in words, for `kb test` and the 知识库 page's 试一试.
 *
 * @example
 * describeBands('default + group VIP客户群') // '默认值 + 群 VIP客户群 的区间'
 */
export function describeBands(bands: string): string {
  return bands.split(' + ').map((part) => {
    if (part === 'default') return '默认值'
    if (part.startsWith('intent ')) return `意图 ${part.slice('intent '.length)} 的 threshold`
    if (part.startsWith('group ')) return `群 ${part.slice('group '.length)} 的区间`
    return part // matching: / matching.semantic:, as written in the YAML
  }).join(' + ')
}
