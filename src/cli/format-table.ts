/**
 * Columns of text lined up in a terminal, where a Chinese character (or other wide one) takes two cells.
 * The first column is left-aligned, the others right-aligned (numbers).
 *
 * @example
 * formatTable([['阈值', '答对'], ['0.30', '81.2%']]) // ['阈值   答对', '0.30  81.2%']
 */
export function formatTable(rows: ReadonlyArray<ReadonlyArray<string>>, options: { indent?: string; gap?: number } = {}): string[] {
  const gap = ' '.repeat(options.gap ?? 2)
  const widths: number[] = []
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, displayWidth(cell))))
  return rows.map((row) => (options.indent ?? '') + row.map((cell, i) => {
    const pad = ' '.repeat((widths[i] ?? 0) - displayWidth(cell))
    return i === 0 ? cell + pad : pad + cell
  }).join(gap).trimEnd())
}

/** Terminal cells a text takes: 2 for CJK and fullwidth characters, 1 otherwise. */
export function displayWidth(text: string): number {
  let width = 0
  for (const char of text) width += /[\u1100-\u115F\u2E80-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6\u{20000}-\u{3FFFD}]/u.test(char) ? 2 : 1
  return width
}
