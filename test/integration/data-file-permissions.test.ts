import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { runCli } from '../../src/cli.js'
import type { CliIo } from '../../src/cli/cli-io.js'
import { loadConfig } from '../../src/config/load-config.js'
import { onPostgres } from '../support/test-database.js'
import { makeWorkdir, startTestApp, testEnv } from './test-context.js'

const modeOf = (file: string) => fs.statSync(file).mode & 0o777

// The SQLite files hold customer data; on PostgreSQL the server owns its files.
describe.skipIf(onPostgres() || process.platform === 'win32')('data file permissions', () => {
  it('creates the data folder 0700 and the database, its -wal, -shm and a backup 0600', async () => {
    const work = await makeWorkdir()
    const file = loadConfig(testEnv(work)).databaseFile
    const app = await startTestApp(work)
    try {
      expect(modeOf(work.dataDir).toString(8)).toBe('700')
      for (const f of [file, `${file}-wal`, `${file}-shm`]) expect([f, modeOf(f).toString(8)]).toEqual([f, '600'])

      const backup = path.join(work.dir, 'backup.sqlite')
      const io: CliIo = { stdout: () => undefined, stderr: () => undefined, env: testEnv(work), cwd: work.dir }
      expect(await runCli(['backup', backup], io)).toBe(0)
      expect(modeOf(backup).toString(8)).toBe('600')
    } finally {
      await app.stop()
    }
  })

  it('tightens a database and -wal left 0644 by an older version', async () => {
    const work = await makeWorkdir()
    const file = loadConfig(testEnv(work)).databaseFile
    await (await startTestApp(work)).stop()
    fs.chmodSync(file, 0o644)
    fs.writeFileSync(`${file}-wal`, '', { mode: 0o644 })
    fs.chmodSync(`${file}-wal`, 0o644)
    const app = await startTestApp(work)
    try {
      for (const f of [file, `${file}-wal`, `${file}-shm`]) expect([f, modeOf(f).toString(8)]).toEqual([f, '600'])
    } finally {
      await app.stop()
    }
  })
})
