import { createHash } from 'node:crypto'
import { parseKnowledgeFile, type ParsedKnowledgeFile } from './parse-knowledge-file.js'

/** `parseKnowledgeFile` that remembers each file's last parse. */
export type ParseKnowledgeFile = (text: string, file: string) => ParsedKnowledgeFile

/**
 * `parseKnowledgeFile` with the last parse of each file kept by path and content hash, so a reload after a one-file
 * edit parses and validates that file only (YAML parsing with line numbers is most of loading). Sound because
 * the parse is pure in (text, file); checks across files (ids, examples, single sections) still run on every load.
 * Results are shared between loads, so callers must not change them (`loadKnowledge` copies what it keeps).
 *
 * @example
 * const parse = createKnowledgeFileCache()
 * await loadKnowledge('knowledge', { parse }) // parses every file
 * await loadKnowledge('knowledge', { parse }) // parses only the files whose text changed
 */
export function createKnowledgeFileCache(): ParseKnowledgeFile {
  // One entry per path: a deleted file's entry stays until a file of that name comes back (at most the folder's file limit).
  const byFile = new Map<string, { hash: string; parsed: ParsedKnowledgeFile }>()
  return (text, file) => {
    const hash = createHash('sha256').update(text).digest('base64')
    const cached = byFile.get(file)
    if (cached?.hash === hash) return cached.parsed
    const parsed = parseKnowledgeFile(text, file)
    byFile.set(file, { hash, parsed })
    return parsed
  }
}
