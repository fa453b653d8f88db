import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { onPostgres } from '../support/test-database.js'

const ROOT = path.resolve(import.meta.dirname, '../..')

// It touches no database: the SQLite pass runs it once.
describe.skipIf(onPostgres())('installing from a clean checkout', () => {
  it('npm ci accepts the lock file as it is (every optional platform package listed, in sync with package.json)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qundesk-install-'))
    try {
      for (const file of ['package.json', 'package-lock.json']) fs.copyFileSync(path.join(ROOT, file), path.join(dir, file))
      // --dry-run checks the lock against package.json and resolves the tree without writing node_modules.
      const ci = spawnSync('npm', ['ci', '--dry-run', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: dir, encoding: 'utf8', timeout: 120_000 })
      expect(ci.status, ci.stdout + ci.stderr).toBe(0)
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  }, 150_000)
})
