// @ts-check
/**
 * A throwaway PostgreSQL cluster for benches: the test suite's helper (test/support/postgres-server.ts), transpiled
 * (with the free-port helper it imports) into bench/.cache so the benches run on plain node without a second copy.
 */
import fs from 'node:fs'
import path from 'node:path'
import ts from 'typescript'

const ROOT = path.resolve(import.meta.dirname, '../..')

/** @returns {Promise<typeof import('../../test/support/postgres-server.js')>} */
export async function postgresHelper() {
  const out = path.join(ROOT, 'bench/.cache')
  fs.mkdirSync(out, { recursive: true })
  for (const name of ['postgres-server', 'free-port']) {
    const text = fs.readFileSync(path.join(ROOT, `test/support/${name}.ts`), 'utf8')
    // Relative imports keep working: the .ts files import each other as './x.js', and the copies sit side by side.
    const js = ts.transpileModule(text, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText
    const file = path.join(out, `${name}.js`)
    if (!fs.existsSync(file) || fs.readFileSync(file, 'utf8') !== js) fs.writeFileSync(file, js)
  }
  return import(path.join(out, 'postgres-server.js'))
}
