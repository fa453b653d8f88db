import { mkdir, symlink, writeFile } from 'node:fs/promises'
import path from 'node:path'
import fc from 'fast-check'
import { expect } from 'vitest'
import type { FileProblem } from '../../src/core/file-problem.js'
import { mutatedText, nastyBytes, YAML_TOKENS } from './fuzz-generators.js'

/** One file of a fuzzed YAML folder (knowledge/ or rules/). */
export type FolderEntry =
  | { kind: 'text'; text: string }
  | { kind: 'bytes'; bytes: Buffer }
  | { kind: 'dangling-link' }
  | { kind: 'folder' }

/** Mutated YAML, raw bytes (invalid UTF-8, BOMs) spliced into valid YAML, or a trap: a dangling link, a folder, an empty file. */
export function folderEntry(seeds: readonly string[]): fc.Arbitrary<FolderEntry> {
  return fc.oneof(
    { weight: 4, arbitrary: mutatedText(seeds, YAML_TOKENS).map((text): FolderEntry => ({ kind: 'text', text })) },
    { weight: 2, arbitrary: fc.tuple(fc.constantFrom(...seeds), nastyBytes, fc.double({ min: 0, max: 1, noNaN: true })).map(([seed, bytes, at]): FolderEntry => {
      const valid = Buffer.from(seed)
      const cut = Math.floor(at * valid.length)
      return { kind: 'bytes', bytes: Buffer.concat([valid.subarray(0, cut), bytes, valid.subarray(cut)]) }
    }) },
    fc.constantFrom<FolderEntry>({ kind: 'dangling-link' }, { kind: 'folder' }, { kind: 'text', text: '' }),
  )
}

/** Creates `dir` holding the entries as f0.yaml, f1.yaml, …; their paths. */
export async function writeFolder(dir: string, entries: readonly FolderEntry[]): Promise<string[]> {
  await mkdir(dir)
  const names = entries.map((_, i) => path.join(dir, `f${i}.yaml`))
  for (const [i, e] of entries.entries()) {
    if (e.kind === 'text') await writeFile(names[i]!, e.text)
    else if (e.kind === 'bytes') await writeFile(names[i]!, e.bytes)
    else if (e.kind === 'folder') await mkdir(names[i]!)
    else await symlink(path.join(dir, 'missing.yaml'), names[i]!)
  }
  return names
}

/** A refused folder: at least one problem, each naming the folder or one of its files, with a line, a message and a hint. */
export function expectFolderProblems(problems: readonly FileProblem[], dir: string, names: readonly string[]): void {
  expect(problems.length).toBeGreaterThan(0)
  for (const p of problems) {
    expect([dir, ...names]).toContain(p.file)
    expect(Number.isInteger(p.line) && p.line >= 0).toBe(true)
    expect(p.message).not.toBe('')
    expect(p.hint).not.toBe('')
  }
}
