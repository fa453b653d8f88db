import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
// Ajv comes with fastify (its route-schema compiler); here it stands in for an editor's YAML plugin.
import { Ajv2020 } from 'ajv/dist/2020.js'
import { knowledgeJsonSchema, knowledgeJsonSchemaText } from '../../../src/knowledge/knowledge-format.js'
import { parseKnowledgeFile } from '../../../src/knowledge/parse-knowledge-file.js'

const FIXTURES = 'test/fixtures/knowledge'
const yamlFiles = (dir: string) => readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort().map((f) => join(dir, f))
const validate = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true }).compile(knowledgeJsonSchema())

/** What the schema and the loader each say of one file's text. */
function verdicts(file: string): { schema: boolean; loader: boolean } {
  const text = readFileSync(file, 'utf8')
  const parsed = parseKnowledgeFile(text, file)
  return { schema: validate(parse(text) ?? {}), loader: parsed.problems.length === 0 }
}

describe('knowledge/knowledge.schema.json', () => {
  it('is the schema generated from the format the loader checks with', () => {
    // Regenerate after changing src/knowledge/knowledge-format.ts: npm run build && node bin/qundesk.js kb schema > knowledge/knowledge.schema.json
    expect(readFileSync('knowledge/knowledge.schema.json', 'utf8')).toBe(knowledgeJsonSchemaText())
  })

  it('is referenced on the first line of every shipped knowledge file, for editors', () => {
    for (const file of yamlFiles('knowledge')) {
      expect(readFileSync(file, 'utf8').split('\n')[0], file).toBe('# yaml-language-server: $schema=./knowledge.schema.json')
    }
  })

  it('accepts every shipped knowledge file and the valid fixtures, as the loader does', () => {
    for (const file of [...yamlFiles('knowledge'), ...yamlFiles(join(FIXTURES, 'valid')), ...yamlFiles(join(FIXTURES, 'small-shop'))]) {
      if (readFileSync(file, 'utf8').trim() === '') continue // an empty file is a loader warning, not a document
      expect(verdicts(file), `${file}: ${JSON.stringify(validate.errors)}`).toEqual({ schema: true, loader: true })
    }
  })

  it.each([
    ['bad-values/bad.yaml'],
    ['missing-answer/shipping.yaml'],
    ['not-a-mapping/list.yaml'],
  ])('refuses %s, as the loader does', (name) => {
    expect(verdicts(join(FIXTURES, name))).toEqual({ schema: false, loader: false })
  })

  it('names each bad intent value where the loader does', () => {
    const text = readFileSync(join(FIXTURES, 'bad-values/bad.yaml'), 'utf8')
    validate(parse(text))
    const paths = new Set(validate.errors?.map((e) => e.instancePath))
    for (const path of ['/intents/0/id', '/intents/1/examples', '/intents/2/examples/1', '/intents/2/auto_send', '/intents/2/threshold', '/intents/3', '/intents/4', '/intents/5/name', '/intents/6/name']) {
      expect(paths, path).toContain(path)
    }
  })

  it('flags unknown keys, which the loader warns about and ignores', () => {
    const file = join(FIXTURES, 'unknown-keys/shop.yaml')
    expect(verdicts(file)).toEqual({ schema: false, loader: true })
    expect(parseKnowledgeFile(readFileSync(file, 'utf8'), file).warnings).not.toEqual([])
  })
})
