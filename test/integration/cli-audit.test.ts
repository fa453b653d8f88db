import { describe, expect, it } from 'vitest'
import { runCli } from '../../src/cli.js'
import type { CliIo } from '../../src/cli/cli-io.js'
import { loadConfig } from '../../src/config/load-config.js'
import { appendAudit } from '../../src/storage/audit.repository.js'
import { openDb } from '../../src/storage/create-db.js'
import { makeWorkdir, testEnv } from './test-context.js'

async function run(env: Record<string, string | undefined>) {
  const out: string[] = []
  const err: string[] = []
  const io: CliIo = { stdout: (t) => out.push(t), stderr: (t) => err.push(t), env, cwd: process.cwd() }
  const code = await runCli(['audit', 'verify'], io)
  return { code, stdout: out.join('\n'), stderr: err.join('\n') }
}

describe('qundesk audit verify', () => {
  it('passes for entries written by QunDesk (also when appended concurrently) and names the entry someone edited in the database', async () => {
    const env = testEnv(await makeWorkdir())
    const db = await openDb(loadConfig(env))
    await Promise.all(Array.from({ length: 20 }, (_, i) => appendAudit(db, { at: new Date(), actor: `agent${i}`, action: 'suggestion.sent', subjectType: 'suggestion', subjectId: String(i) })))
    await db.transaction().execute((trx) => appendAudit(trx, { at: new Date(), actor: 'cli', action: 'members.import', subjectType: 'import', subjectId: 'crm.csv' }))
    expect(await run(env)).toMatchObject({ code: 0, stdout: '审计日志完整：21 条记录，哈希链校验通过' })

    await db.updateTable('audit_log').set({ actor: '别人' }).where('id', '=', 7).execute()
    const tampered = await run(env)
    expect(tampered.code).toBe(1)
    expect(tampered.stderr).toContain('第 7 条记录校验失败')
    await db.destroy()
  })
})
