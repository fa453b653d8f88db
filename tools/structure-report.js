#!/usr/bin/env node
// The shape of src/ in numbers, for before/after comparisons of a restructuring:
//   node tools/structure-report.js [checkout folder, default .]
// Files and lines, the longest functions, and the import cycles between files and between top-level folders
// (type-only imports count: they tie the code together just the same).
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'

const root = path.resolve(process.argv[2] ?? '.')
const self = path.dirname(path.dirname(fileURLToPath(import.meta.url)))
const files = fs.readdirSync(path.join(root, 'src'), { recursive: true })
  .map(String).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts')).map((f) => path.join('src', f)).sort()

let lines = 0
const functions = []
for (const file of files) {
  const text = fs.readFileSync(path.join(root, file), 'utf8')
  lines += text.split('\n').length
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true)
  const visit = (node) => {
    if (ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node) || ts.isArrowFunction(node) || ts.isFunctionExpression(node)) {
      const start = source.getLineAndCharacterOfPosition(node.getStart()).line
      const end = source.getLineAndCharacterOfPosition(node.getEnd()).line
      const name = node.name?.getText() ?? (ts.isVariableDeclaration(node.parent) ? node.parent.name.getText() : ts.isPropertyAssignment(node.parent) ? node.parent.name.getText() : '(anonymous)')
      functions.push({ where: `${file}:${start + 1}`, name, lines: end - start + 1 })
    }
    ts.forEachChild(node, visit)
  }
  visit(source)
}

const cruise = JSON.parse(execFileSync(path.join(self, 'node_modules/.bin/depcruise'), [
  'src', '--no-config', '--ts-pre-compilation-deps', '--ts-config', 'tsconfig.json', '--output-type', 'json',
], { cwd: root, maxBuffer: 256 * 1024 * 1024 }).toString())
const fileEdges = new Map()
const folderEdges = new Map()
const folderOf = (file) => file.split('/').slice(0, 2).join('/')
for (const module of cruise.modules) {
  if (!module.source.startsWith('src/')) continue
  for (const dep of module.dependencies) {
    if (!dep.resolved.startsWith('src/')) continue
    if (!fileEdges.has(module.source)) fileEdges.set(module.source, new Set())
    fileEdges.get(module.source).add(dep.resolved)
    const [from, to] = [folderOf(module.source), folderOf(dep.resolved)]
    if (from === to) continue
    if (!folderEdges.has(from)) folderEdges.set(from, new Set())
    folderEdges.get(from).add(to)
  }
}

/** Strongly connected components of more than one node (Tarjan): each is a set of mutually reachable places. */
function cycles(edges) {
  let index = 0
  const stack = []
  const info = new Map()
  const found = []
  const connect = (v) => {
    info.set(v, { index, low: index, onStack: true })
    index += 1
    stack.push(v)
    for (const w of edges.get(v) ?? []) {
      if (!info.has(w)) { connect(w); info.get(v).low = Math.min(info.get(v).low, info.get(w).low) }
      else if (info.get(w).onStack) info.get(v).low = Math.min(info.get(v).low, info.get(w).index)
    }
    if (info.get(v).low === info.get(v).index) {
      const component = []
      let w
      do { w = stack.pop(); info.get(w).onStack = false; component.push(w) } while (w !== v)
      if (component.length > 1) found.push(component.sort())
    }
  }
  for (const v of edges.keys()) if (!info.has(v)) connect(v)
  return found
}

const mainText = fs.readFileSync(path.join(root, 'src/main.ts'), 'utf8')
console.log(`src: ${files.length} files, ${lines} lines; main.ts ${mainText.split('\n').length} lines, ${(mainText.match(/^import /gm) ?? []).length} imports`)
console.log('longest functions:')
for (const f of functions.sort((a, b) => b.lines - a.lines).slice(0, 10)) console.log(`  ${String(f.lines).padStart(4)} lines  ${f.name}  ${f.where}`)
const fileCycles = cycles(fileEdges)
const folderCycles = cycles(folderEdges)
console.log(`file cycles: ${fileCycles.length}`)
for (const c of fileCycles) console.log(`  ${c.join(' <-> ')}`)
console.log(`folder cycles: ${folderCycles.length}`)
for (const c of folderCycles) console.log(`  ${c.join(' <-> ')}`)
