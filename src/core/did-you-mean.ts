/**
 * Suggests the closest known word for a misspelt key, or undefined when nothing is close.
 * Case, `-` and `_` differences count as a match so `autoSend` and `auto-send` suggest `auto_send`.
 *
 * @example
 * didYouMean('exmaples', ['id', 'examples', 'answer']) // 'examples'
 */
export function didYouMean(word: string, known: readonly string[]): string | undefined {
  const squash = (s: string) => s.toLowerCase().replace(/[-_\s]/g, '')
  const target = squash(word)
  let best: string | undefined
  let bestDistance = Infinity
  for (const candidate of known) {
    const distance = editDistance(target, squash(candidate))
    if (distance < bestDistance) {
      best = candidate
      bestDistance = distance
    }
  }
  // Allow roughly one typo per four letters, at least one.
  const allowed = Math.max(1, Math.floor(target.length / 4))
  return bestDistance <= allowed ? best : undefined
}

/** Levenshtein distance counting a swap of two neighbours as one edit (typing slips). */
function editDistance(a: string, b: string): number {
  const rows = a.length + 1
  const cols = b.length + 1
  const d: number[] = new Array<number>(rows * cols).fill(0)
  const at = (i: number, j: number) => d[i * cols + j] ?? 0
  for (let i = 0; i < rows; i++) d[i * cols] = i
  for (let j = 0; j < cols; j++) d[j] = j
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let value = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        value = Math.min(value, at(i - 2, j - 2) + 1)
      }
      d[i * cols + j] = value
    }
  }
  return at(a.length, b.length)
}

/**
 * The hint for a misspelt key or name, in the admin's language.
 *
 * @example
 * didYouMeanHint('examples') // '你是不是想写 “examples”？'
 */
export function didYouMeanHint(suggestion: string): string {
  return `你是不是想写 “${suggestion}”？`
}
