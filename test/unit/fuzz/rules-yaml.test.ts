import fs from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { FileProblem } from '../../../src/core/file-problem.js'
import { compileExpression } from '../../../src/tagging/expression/compile-expression.js'
import { loadRules } from '../../../src/tagging/load-rules.js'
import { parseRulesFile, type ParsedRulesFile } from '../../../src/tagging/parse-rules-file.js'
import { DEFAULT_COOLDOWN_DAYS } from '../../../src/tagging/rule-set.js'
import { evilYaml, fuzzParams, mutatedText, rulesModel, writeYaml, YAML_TOKENS, yamlStyle, FUZZ_TEST_TIMEOUT } from '../../support/fuzz-generators.js'
import { expectFolderProblems, folderEntry, writeFolder } from '../../support/fuzz-folders.js'

vi.setConfig({ testTimeout: FUZZ_TEST_TIMEOUT })

/**
 * Rules YAML meets hand edits: parsing never throws, every problem carries `file:line` and a hint (expression
 * problems also their column), an accepted rule compiles, a valid file reads the same every time, and a valid
 * rule set written by a YAML writer reads back unchanged. The expression language has its own fuzz test
 * (rule-expressions.test.ts).
 */

const ROOT = path.resolve(import.meta.dirname, '../../..')
const FILE = 'rules/fuzz.yaml'

function yamlFilesUnder(...dirs: string[]): string[] {
  return dirs.flatMap((dir) => fs.readdirSync(path.join(ROOT, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.ya?ml$/.test(e.name))
    .map((e) => fs.readFileSync(path.join(e.parentPath, e.name), 'utf8')))
}
const SEEDS = yamlFilesUnder('rules', 'test/fixtures/rules')

const lineCount = (text: string) => (text.match(/\r\n|\r|\n/g)?.length ?? 0) + 1

function violation(text: string, parsed: ParsedRulesFile): string | undefined {
  const maxLine = lineCount(text)
  const inFile = (line: number) => Number.isInteger(line) && line >= 1 && line <= maxLine
  for (const p of [...parsed.problems, ...parsed.warnings] as FileProblem[]) {
    if (p.file !== FILE) return `problem without the file: ${JSON.stringify(p)}`
    if (!Number.isInteger(p.line) || p.line < 0 || p.line > maxLine) return `problem line ${p.line} outside 0..${maxLine}: ${p.message}`
    if (typeof p.message !== 'string' || p.message === '' || typeof p.hint !== 'string' || p.hint === '') return `problem without a message or hint: ${JSON.stringify(p)}`
    if (/\.when: /.test(p.message) && /列/.test(p.message) && !/（第 \d+ 列）$/.test(p.message)) return `expression problem without its column: ${p.message}`
  }
  for (const { rule, whenLine, line } of parsed.tags) {
    if (rule.id === '' || /\s/.test(rule.id) || Array.from(rule.id).length > 30) return `bad tag id ${JSON.stringify(rule.id)}`
    if (!compileExpression(rule.when).ok) return `accepted a rule that does not compile: ${rule.when}`
    if (!inFile(whenLine) || !inFile(line)) return `tag lines ${line}/${whenLine} outside the file`
  }
  for (const { action, line, tagLine } of parsed.actions) {
    if (!['tag_added', 'tag_removed'].includes(action.on) || action.tag === '' || !(Number.isInteger(action.cooldownDays) && action.cooldownDays >= 0)) return `bad action ${JSON.stringify(action)}`
    if (!action.suggest && !action.notifyAgents) return `accepted an action that does nothing: ${JSON.stringify(action)}`
    if (!inFile(line) || !inFile(tagLine)) return `action lines ${line}/${tagLine} outside the file`
  }
  if (({} as Record<string, unknown>).polluted !== undefined) return 'Object.prototype was polluted'
  return undefined
}

function checkText(text: string): ParsedRulesFile {
  let parsed: ParsedRulesFile
  try {
    parsed = parseRulesFile(text, FILE)
  } catch (error) {
    throw new Error(`parseRulesFile threw ${String(error)}`)
  }
  const bad = violation(text, parsed)
  if (bad) throw new Error(bad)
  if (parsed.problems.length === 0) expect(parseRulesFile(text, FILE)).toEqual(parsed)
  return parsed
}

describe('rules YAML under random edits', () => {
  it('2,000 mutated rules files: never throws, every problem has file:line and a hint, a valid result is stable', () => {
    let accepted = 0
    fc.assert(fc.property(mutatedText(SEEDS, YAML_TOKENS), (text) => {
      if (checkText(text).problems.length === 0) accepted++
    }), fuzzParams(0x72756c01, 2000))
    expect(accepted).toBeGreaterThan(200)
  })

  it('200 hostile files (alias bombs, deep nesting, huge conditions, unsafe tags, BOM/NUL): refused with a line, never thrown', () => {
    fc.assert(fc.property(evilYaml('rules'), (text) => void checkText(text)), fuzzParams(0x72756c02, 200))
  })
})

describe('valid rules written by a YAML writer', () => {
  it('500 random rule sets in random YAML styles read back exactly, with no problems', () => {
    fc.assert(fc.property(rulesModel, yamlStyle, (model, style) => {
      const text = writeYaml(model, style)
      const parsed = checkText(text)
      expect(parsed.problems).toEqual([])
      expect(parsed.tags.map((t) => ({ id: t.rule.id, when: t.rule.when, ...(t.rule.description ? { description: t.rule.description } : {}) })))
        .toEqual(model.tags.map((t) => ({ id: t.id, when: t.when, ...(t.description ? { description: t.description } : {}) })))
      expect(parsed.actions.map((a) => a.action)).toEqual((model.actions ?? []).map((a) => ({
        on: a.on, tag: a.tag, ...(a.suggest ? { suggest: a.suggest } : {}), autoSend: a.auto_send ?? false, notifyAgents: a.notify_agents ?? false, cooldownDays: a.cooldown_days ?? DEFAULT_COOLDOWN_DAYS,
      })))
      expect(parsed.lifecycle?.stages.map((s) => s.name)).toEqual(model.lifecycle)
      expect(parsed.manualTags?.names.map((s) => s.name)).toEqual(model.manual_tags)
      expect(parsed.schedule?.expression).toEqual(model.schedule)
    }), fuzzParams(0x72756c03, 500))
  })
})

describe('loadRules on a folder with random content', () => {
  let base: string
  beforeAll(async () => {
    base = await mkdtemp(path.join(tmpdir(), 'qundesk-rules-fuzz-'))
  })
  afterAll(async () => rm(base, { recursive: true, force: true }))

  const entry = folderEntry(SEEDS)

  it('150 folders: either a valid rule set or problems naming a file of the folder, never a throw', async () => {
    let run = 0
    await fc.assert(fc.asyncProperty(fc.array(entry, { minLength: 1, maxLength: 3 }), async (entries) => {
      const dir = path.join(base, String(run++))
      const names = await writeFolder(dir, entries)
      const result = await loadRules(dir)
      if (result.ok) {
        const ids = result.rules.tags.map((t) => t.id)
        expect(new Set(ids).size).toBe(ids.length)
        for (const tag of result.rules.tags) expect(names).toContain(tag.source.file)
        for (const stage of result.rules.lifecycle) expect([...ids, ...result.rules.manualTags]).toContain(stage)
        for (const action of result.rules.actions) expect(ids).toContain(action.tag)
      } else {
        expectFolderProblems(result.problems, dir, names)
      }
      if (entries.some((e) => e.kind === 'dangling-link')) expect(result.ok).toBe(false)
    }), fuzzParams(0x72756c04, 150))
  })
})
