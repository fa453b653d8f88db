// Runs every benchmark in this folder, one after the other, each in its own process.
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'

const here = import.meta.dirname
const benches = fs.readdirSync(here).filter((f) => f.endsWith('.js') && f !== 'run-all.js').sort()
let failed = 0
for (const file of benches) {
  const result = spawnSync(process.execPath, [path.join(here, file)], { stdio: 'inherit' })
  if (result.status !== 0) failed++
}
process.exitCode = failed > 0 ? 1 : 0
