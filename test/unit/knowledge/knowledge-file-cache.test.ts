import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createKnowledgeFileCache } from '../../../src/knowledge/knowledge-file-cache.js'
import { loadKnowledge, type LoadKnowledgeResult } from '../../../src/knowledge/load-knowledge.js'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'qundesk-kb-cache-'))
  await cp('test/fixtures/knowledge/small-shop', dir, { recursive: true })
})
afterEach(() => rm(dir, { recursive: true, force: true }))

/** What a load says, without the frozen objects' identities. */
const plain = (result: LoadKnowledgeResult) =>
  result.ok
    ? { ok: true, intents: result.kb.intents, files: result.kb.files, escalation: result.kb.escalation, bands: result.kb.bands, synonyms: result.kb.synonyms, warnings: result.warnings }
    : result

describe('createKnowledgeFileCache', () => {
  it('parses a file again only when its text changed', () => {
    const parse = createKnowledgeFileCache()
    const text = 'intents:\n  - id: a\n    examples: [你好]\n    answer: 在\n'
    const first = parse(text, 'kb/a.yaml')
    expect(parse(text, 'kb/a.yaml')).toBe(first)
    expect(parse(text, 'kb/b.yaml')).not.toBe(first) // the path is in every problem and source line
    expect(parse(`${text}\n`, 'kb/a.yaml')).not.toBe(first)
  })

  it('loads, after each edit, exactly what a load without it gives, problems with file:line included', async () => {
    const parse = createKnowledgeFileCache()
    const logistics = join(dir, 'shop.yaml')
    const original = await readFile(logistics, 'utf8')
    const edits = [
      async () => writeFile(logistics, original.replace('examples: [', 'examples: [快递几天能到, ')),
      async () => writeFile(join(dir, 'broken.yaml'), 'intents:\n  - id: broken.one\n    examples: [坏的\n    answer: 没有\n'),
      async () => rm(join(dir, 'broken.yaml')),
      async () => writeFile(join(dir, 'dup.yaml'), `${original}`), // every id again: duplicate-id problems across files
      async () => rm(join(dir, 'dup.yaml')),
      async () => writeFile(logistics, original),
    ]
    expect(plain(await loadKnowledge(dir, { parse }))).toEqual(plain(await loadKnowledge(dir)))
    for (const edit of edits) {
      await edit()
      const cached = await loadKnowledge(dir, { parse })
      expect(plain(cached)).toEqual(plain(await loadKnowledge(dir)))
    }
    const broken = join(dir, 'broken.yaml')
    await writeFile(broken, 'intents:\n  - id: broken.one\n    examples: [坏的\n    answer: 没有\n')
    await loadKnowledge(dir, { parse })
    const again = await loadKnowledge(dir, { parse }) // from the cache this time
    expect(again.ok).toBe(false)
    if (!again.ok) expect(again.problems[0]).toMatchObject({ file: broken, line: expect.any(Number) })
    if (!again.ok) expect(again.problems[0]!.line).toBeGreaterThan(0)
  })
})
