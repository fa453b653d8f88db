import fs from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import fc from 'fast-check'
import { LineCounter, parseDocument, type Document } from 'yaml'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { FileProblem } from '../../../src/core/file-problem.js'
import { parseYamlDocument } from '../../../src/core/yaml/parse-yaml-document.js'
import { DEFAULT_ESCALATION_POLICY } from '../../../src/knowledge/escalation-policy.js'
import { SLOT_NAMES, type Intent } from '../../../src/knowledge/knowledge-base.js'
import { loadKnowledge } from '../../../src/knowledge/load-knowledge.js'
import { parseKnowledgeFile, type ParsedKnowledgeFile } from '../../../src/knowledge/parse-knowledge-file.js'
import { evilYaml, fuzzParams, knowledgeModel, mutatedText, writeYaml, YAML_TOKENS, yamlStyle, type KnowledgeModel, FUZZ_TEST_TIMEOUT } from '../../support/fuzz-generators.js'
import { expectFolderProblems, folderEntry, writeFolder } from '../../support/fuzz-folders.js'

vi.setConfig({ testTimeout: FUZZ_TEST_TIMEOUT })

/**
 * Knowledge YAML meets hand edits and whatever lands in the folder. Properties: parsing never throws, every
 * problem carries `file:line` (0 = the whole file) and a hint, whatever is accepted is a valid intent, the same text
 * always gives the same answer, and a valid knowledge base written by a correct YAML writer reads back unchanged.
 */

const ROOT = path.resolve(import.meta.dirname, '../../..')
const FILE = 'knowledge/fuzz.yaml'

/** Every YAML file the project ships or tests with: the repo's knowledge base and the fixtures, valid and not. */
function yamlFilesUnder(...dirs: string[]): string[] {
  return dirs.flatMap((dir) => fs.readdirSync(path.join(ROOT, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.ya?ml$/.test(e.name))
    .map((e) => fs.readFileSync(path.join(e.parentPath, e.name), 'utf8')))
}
const SEEDS = yamlFilesUnder('knowledge', 'test/fixtures/knowledge', 'test/fixtures/kb-small-shop')

/** Upper bound on a line number in `text`: LF, CRLF and a lone CR may each end a line. */
const lineCount = (text: string) => (text.match(/\r\n|\r|\n/g)?.length ?? 0) + 1

/** What must hold for any input; returns the first violation (plain checks: expect() per case is slow). */
function violation(text: string, parsed: ParsedKnowledgeFile): string | undefined {
  const maxLine = lineCount(text)
  for (const p of [...parsed.problems, ...parsed.warnings] as FileProblem[]) {
    if (p.file !== FILE) return `problem without the file: ${JSON.stringify(p)}`
    if (!Number.isInteger(p.line) || p.line < 0 || p.line > maxLine) return `problem line ${p.line} outside 0..${maxLine}: ${p.message}`
    if (typeof p.message !== 'string' || p.message === '' || typeof p.hint !== 'string' || p.hint === '') return `problem without a message or hint: ${JSON.stringify(p)}`
  }
  for (const intent of parsed.intents) {
    const bad = intentViolation(intent, maxLine)
    if (bad) return `${bad}: ${JSON.stringify(intent).slice(0, 300)}`
  }
  if (parsed.escalation && !(parsed.escalation.line >= 1 && parsed.escalation.line <= maxLine)) return `escalation line ${parsed.escalation.line}`
  for (const band of parsed.bands ? [parsed.bands.bands.global, ...parsed.bands.bands.groups] : []) {
    for (const value of [band.suggest, band.autoSend]) if (value !== undefined && !(value >= 0 && value <= 1)) return `band out of range: ${JSON.stringify(band)}`
  }
  if (({} as Record<string, unknown>).polluted !== undefined) return 'Object.prototype was polluted'
  return undefined
}

function intentViolation(intent: Intent, maxLine: number): string | undefined {
  if (typeof intent.id !== 'string' || intent.id === '' || /\s/.test(intent.id)) return 'bad id'
  if (intent.examples.length === 0 || intent.examples.some((e) => typeof e !== 'string' || e === '' || e !== e.trim())) return 'bad examples'
  if (new Set(intent.examples).size !== intent.examples.length) return 'duplicate examples'
  if (typeof intent.answer !== 'string' || intent.answer === '' || intent.answer !== intent.answer.trim()) return 'bad answer'
  if (typeof intent.autoSend !== 'boolean') return 'bad auto_send'
  for (const value of [intent.threshold, intent.autoSendThreshold]) if (value !== undefined && !(typeof value === 'number' && value >= 0 && value <= 1)) return 'bad threshold'
  if (intent.slots && (intent.slots.length === 0 || intent.slots.some((s) => !(SLOT_NAMES as readonly string[]).includes(s)))) return 'bad slots'
  if (intent.ask !== undefined && (!intent.slots || intent.ask.trim() === '')) return 'bad ask'
  if (intent.source.file !== FILE || !(intent.source.line >= 1 && intent.source.line <= maxLine)) return 'bad source'
  return undefined
}

/** Parses, checks the property, and parses an accepted text again: a valid file reads the same every time. */
function checkText(text: string): ParsedKnowledgeFile {
  let parsed: ParsedKnowledgeFile
  try {
    parsed = parseKnowledgeFile(text, FILE)
  } catch (error) {
    throw new Error(`parseKnowledgeFile threw ${String(error)}`)
  }
  const bad = violation(text, parsed)
  if (bad) throw new Error(bad)
  if (parsed.problems.length === 0) expect(parseKnowledgeFile(text, FILE)).toEqual(parsed)
  return parsed
}

describe('knowledge YAML under random edits', () => {
  it('2,000 mutated knowledge files: never throws, every problem has file:line and a hint, a valid result is stable', () => {
    let accepted = 0
    fc.assert(fc.property(mutatedText(SEEDS, YAML_TOKENS), (text) => {
      if (checkText(text).problems.length === 0) accepted++
    }), fuzzParams(0x6b6e01, 2000))
    // Many edits keep the file valid (a changed letter in an answer): the parser is not refusing everything.
    expect(accepted).toBeGreaterThan(200)
  })

  it('200 hostile files (alias bombs, deep nesting, huge scalars, unsafe tags, BOM/NUL): refused with a line, never thrown', () => {
    fc.assert(fc.property(evilYaml('knowledge'), (text) => void checkText(text)), fuzzParams(0x6b6e02, 200))
  })

  it('parseYamlDocument reads 600 mutated files exactly as yaml\'s parseDocument does (same values, errors, lines)', () => {
    const summary = (doc: Document, lines: LineCounter) => {
      let value: unknown
      try {
        value = doc.toJS({ maxAliasCount: 100 })
      } catch (error) {
        value = `threw ${String(error)}`
      }
      const where = (e: { code: string; pos: [number, number] }) => `${e.code}@${lines.linePos(e.pos[0]).line}:${e.pos.join('-')}`
      return { value, errors: doc.errors.map(where), warnings: doc.warnings.map(where), range: doc.range }
    }
    fc.assert(fc.property(mutatedText(SEEDS, YAML_TOKENS), (text) => {
      const ours = new LineCounter()
      const parsed = parseYamlDocument(text, ours)
      expect(parsed.ok).toBe(true)
      const theirs = new LineCounter()
      if (parsed.ok) expect(summary(parsed.doc, ours)).toEqual(summary(parseDocument(text, { lineCounter: theirs, prettyErrors: false, uniqueKeys: true }), theirs))
    }), fuzzParams(0x6b6e05, 600))
  })

  it('refuses nesting past the limit before the yaml library can overflow its stack', () => {
    // Repeatedly: the overflow used to crash V8's regexp compiler on the next parse, killing the process.
    for (let i = 0; i < 5; i++) {
      for (const text of ['['.repeat(200_000), `intents:\n${'  - '.repeat(50_000)}x`, Array.from({ length: 1_000 }, (_, d) => `${' '.repeat(d)}k:`).join('\n')]) {
        const parsed = parseKnowledgeFile(text, FILE)
        expect(parsed.problems.map((p) => p.message)).toEqual(['YAML 嵌套超过 64 层'])
        expect(parsed.problems[0]!.line).toBeGreaterThanOrEqual(1)
      }
    }
    expect(parseKnowledgeFile(`intents: ${'['.repeat(60)}${']'.repeat(60)}`, FILE).problems[0]?.message).toBe('intents[0] 不是“键: 值”结构')
  })
})

describe('valid knowledge written by a YAML writer', () => {
  /** What the loader must make of the model. */
  function expectedIntents(model: KnowledgeModel) {
    return model.intents.map((i) => ({
      id: i.id, examples: i.examples, answer: i.answer, autoSend: i.auto_send ?? false,
      ...(i.threshold !== undefined ? { threshold: i.threshold } : {}),
      ...(i.auto_send_threshold !== undefined ? { autoSendThreshold: i.auto_send_threshold } : {}),
      ...(i.slots ? { slots: i.slots } : {}),
      ...(i.ask !== undefined ? { ask: i.ask } : {}),
    }))
  }

  it('600 random knowledge bases in random YAML styles read back exactly, with no problems', () => {
    fc.assert(fc.property(knowledgeModel, yamlStyle, (model, style) => {
      const text = writeYaml(model, style)
      const parsed = parseKnowledgeFile(text, FILE)
      expect(parsed.problems).toEqual([])
      expect(violation(text, parsed)).toBeUndefined()
      expect(parsed.intents.map(({ source: _source, ...intent }) => intent)).toEqual(expectedIntents(model))
      if (model.escalation) {
        const e = model.escalation
        expect(parsed.escalation?.policy).toEqual({
          keywords: e.keywords ?? DEFAULT_ESCALATION_POLICY.keywords, intents: e.intents ?? DEFAULT_ESCALATION_POLICY.intents,
          emotion: e.emotion ?? DEFAULT_ESCALATION_POLICY.emotion, consecutiveMisses: e.consecutive_misses ?? DEFAULT_ESCALATION_POLICY.consecutiveMisses,
        })
      } else expect(parsed.escalation).toBeUndefined()
      if (model.matching) {
        const band = (b: { suggest?: number; auto_send?: number }) => ({ ...(b.suggest !== undefined ? { suggest: b.suggest } : {}), ...(b.auto_send !== undefined ? { autoSend: b.auto_send } : {}) })
        expect(parsed.bands?.bands).toEqual({ global: band(model.matching), groups: (model.matching.groups ?? []).map((g) => ({ ...band(g), match: g.match })) })
      } else expect(parsed.bands).toBeUndefined()
      // Re-parsing the same text is stable.
      expect(parseKnowledgeFile(text, FILE)).toEqual(parsed)
    }), fuzzParams(0x6b6e03, 600))
  })
})

describe('loadKnowledge on a folder with random content', () => {
  let base: string
  beforeAll(async () => {
    base = await mkdtemp(path.join(tmpdir(), 'qundesk-kb-fuzz-'))
  })
  afterAll(async () => rm(base, { recursive: true, force: true }))

  const entry = folderEntry(SEEDS)

  it('150 folders: either a valid knowledge base or problems naming a file of the folder, never a throw', async () => {
    let run = 0
    await fc.assert(fc.asyncProperty(fc.array(entry, { minLength: 1, maxLength: 3 }), async (entries) => {
      const dir = path.join(base, String(run++))
      const names = await writeFolder(dir, entries)
      const result = await loadKnowledge(dir)
      if (result.ok) {
        for (const intent of result.kb.intents) expect(names).toContain(intent.source.file)
        expect(new Set(result.kb.intents.map((i) => i.id)).size).toBe(result.kb.intents.length)
      } else {
        expectFolderProblems(result.problems, dir, names)
      }
      if (entries.some((e) => e.kind === 'dangling-link')) expect(result.ok).toBe(false)
    }), fuzzParams(0x6b6e04, 150))
  })
})
