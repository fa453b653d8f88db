import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { runCli } from '../../src/cli.js'
import type { CliIo } from '../../src/cli/cli-io.js'
import { loadConfig } from '../../src/config/load-config.js'
import { openDb } from '../../src/storage/create-db.js'
import { upsertJoin } from '../../src/storage/group-member.repository.js'
import { FIXTURES, makeWorkdir, testEnv } from './test-context.js'

const RULES = path.join(FIXTURES, 'rules', 'lifecycle-actions')

async function run(args: string[], env: Record<string, string | undefined>) {
  const out: string[] = []
  const err: string[] = []
  const io: CliIo = { stdout: (t) => out.push(t), stderr: (t) => err.push(t), env, cwd: process.cwd() }
  const code = await runCli(args, io)
  return { code, stdout: out.join('\n'), stderr: err.join('\n') }
}

async function seeded() {
  const work = await makeWorkdir()
  const env = testEnv(work, { QUNDESK_RULES_DIR: RULES })
  const db = await openDb(loadConfig(env))
  const now = new Date().toISOString()
  for (const [memberId, name, groupId] of [['wxid_zhang', '张三', 'g1@chatroom'], ['wxid_li1', '李四', 'g1@chatroom'], ['wxid_li2', '李四', 'g2@chatroom']] as const) {
    await upsertJoin(db, { channel: 'test', groupId, groupName: groupId === 'g1@chatroom' ? 'VIP客户群' : '售后群', memberId, memberName: name, joinedAt: now, estimated: false, source: 'event', now })
  }
  await db.destroy()
  return env
}

describe('qundesk tags explain', () => {
  it('shows each rule with the values it saw, by member name, and says the stored tags are not computed yet', async () => {
    const res = await run(['tags', 'explain', '张三'], await seeded())
    expect(res.code).toBe(0)
    expect(res.stdout).toContain('张三（wxid_zhang）· VIP客户群（g1@chatroom）')
    expect(res.stdout).toContain('生命周期：新成员')
    expect(res.stdout).toContain('规则标签（已保存）：（尚未计算过）')
    expect(res.stdout).toMatch(/✓ 新成员 {2}\(rules\.yaml:3\) {2}join_age_days < 7 and not join_time_estimated\n {8}看到：join_age_days=0, join_time_estimated=false/)
    expect(res.stdout).toMatch(/✗ 活跃 {2}\(rules\.yaml:5\) {2}messages_7d >= 3\n {8}看到：messages_7d=0/)
  })

  it('prints JSON with --json', async () => {
    const res = await run(['tags', 'explain', 'wxid_zhang', '--json'], await seeded())
    expect(res.code).toBe(0)
    const [first] = JSON.parse(res.stdout) as Array<{ tags: string[]; rules: Array<{ tagId: string; value: boolean }> }>
    expect(first!.tags).toEqual(['新成员'])
    expect(first!.rules.filter((r) => r.value).map((r) => r.tagId)).toEqual(['新成员'])
  })

  it('asks for the id when a name is ambiguous, and fails clearly for an unknown member', async () => {
    const env = await seeded()
    const ambiguous = await run(['tags', 'explain', '李四'], env)
    expect(ambiguous.code).toBe(1)
    expect(ambiguous.stderr).toContain('有 2 个成员叫「李四」')
    const unknown = await run(['tags', 'explain', 'nobody'], env)
    expect(unknown.code).toBe(1)
    expect(unknown.stderr).toContain('没有找到成员 nobody')
  })

  it('reports broken rules with file:line instead of explaining', async () => {
    const env = await seeded()
    const res = await run(['tags', 'explain', '张三', '--rules', path.join(FIXTURES, 'rules', 'unknown-metric')], env)
    expect(res.code).toBe(1)
    expect(res.stderr).toMatch(/lifecycle\.yaml:\d+: /)
  })
})
