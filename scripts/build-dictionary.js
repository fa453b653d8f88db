// Run by `npm run build`, after tsc: writes dist/nlu/cedict.bin, the compact form of node-nlp's bundled CC-CEDICT
// (src/nlu/cedict-pack.ts), so the bot loads its dictionary in milliseconds instead of compiling node-nlp's copy
// on every start. Reads only node_modules; downloads nothing.
import fs from 'node:fs'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { encodeCedictPack, packCedict } from '../dist/nlu/cedict-pack.js'
import { CEDICT_PACK_FILE, cedictSource, compileNodeNlpCedict } from '../dist/nlu/zh-dictionary.js'

const start = performance.now()
const bytes = encodeCedictPack(packCedict(compileNodeNlpCedict()), cedictSource())
const file = path.join(import.meta.dirname, '..', 'dist', 'nlu', CEDICT_PACK_FILE)
// Written aside and renamed, so a bot starting meanwhile never reads half a file.
fs.writeFileSync(`${file}.tmp`, bytes)
fs.renameSync(`${file}.tmp`, file)
console.log(`dist/nlu/${CEDICT_PACK_FILE}: ${(bytes.length / 1048576).toFixed(1)} MB in ${((performance.now() - start) / 1000).toFixed(1)} s`)
