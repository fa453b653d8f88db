// @ts-check
/**
 * A throwaway PostgreSQL cluster for benches: the test suite's helper (test/support/postgres-server.ts), transpiled
 * once into bench/.cache so the benches run on plain node without a second copy of it.
 */
import fs from 'node:fs'
import path from 'node:path'
import ts from 'typescript'

const ROOT = path.resolve(import.meta.dirname, '../..')

/** @returns {Promise<typeof import('../../test/support/postgres-server.js')>} */
export async function postgresHelper() {
  const source = path.join(ROOT, 'test/support/postgres-server.ts')
  const out = path.join(ROOT, 'bench/.cache/postgres-server.mjs')
  const text = fs.readFileSync(source, 'utf8')
  const js = ts.transpileModule(text, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText
  fs.mkdirSync(path.dirname(out), { recursive: true })
  if (!fs.existsSync(out) || fs.readFileSync(out, 'utf8') !== js) fs.writeFileSync(out, js)
  return import(out)
}
