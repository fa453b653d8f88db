import fs from 'node:fs/promises'
import path from 'node:path'
import { sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { runCli } from '../../src/cli.js'
import type { CliIo } from '../../src/cli/cli-io.js'
import { loadConfig } from '../../src/config/load-config.js'
import { listAudit } from '../../src/storage/audit.repository.js'
import { loadKnowledge } from '../../src/knowledge/load-knowledge.js'
import { questionNormalizer } from '../../src/nlu/intent-matcher.js'
import { openDb, type Db } from '../../src/storage/create-db.js'
import { embeddingTextHash, insertCachedVectors } from '../../src/storage/embedding-cache.repository.js'
import { upsertJoin } from '../../src/storage/group-member.repository.js'
import { insertMessageOnce } from '../../src/storage/message.repository.js'
import { makeWorkdir, testEnv } from './test-context.js'

async function run(args: string[], env: Record<string, string | undefined>, extra: Partial<CliIo> = {}) {
  const out: string[] = []
  const err: string[] = []
  const io: CliIo = { stdout: (t) => out.push(t), stderr: (t) => err.push(t), env, cwd: process.cwd(), ...extra }
  const code = await runCli(args, io)
  return { code, stdout: out.join('\n'), stderr: err.join('\n') }
}

/** 张三 in one group with two messages; two different people called 李四 in two groups. */
async function seeded() {
  const work = await makeWorkdir()
  const env = { ...testEnv(work), USER: 'tester' }
  const db = await openDb(loadConfig(env))
  const now = new Date().toISOString()
  for (const [memberId, name, groupId] of [['wxid_zhang', '张三', 'g1@chatroom'], ['wxid_li1', '李四', 'g1@chatroom'], ['wxid_li2', '李四', 'g2@chatroom']] as const) {
    await upsertJoin(db, { channel: 'test', groupId, groupName: groupId === 'g1@chatroom' ? 'VIP客户群' : '售后群', memberId, memberName: name, joinedAt: now, estimated: false, source: 'event', now })
  }
  for (const [id, text] of [['test:1', '我的快递到哪了 13812345678'], ['test:2', '订单号 DD20261123001']] as const) {
    await insertMessageOnce(db, {
      id, channel: 'test', group_id: 'g1@chatroom', group_name: 'VIP客户群', sender_id: 'wxid_zhang', sender_name: '张三', text, question: text,
      mentions_bot: 1, from_self: 0, sent_at: now, received_at: now, status: 'handled',
    })
  }
  await db.destroy()
  return { env, dir: work.dir }
}

async function withDb<T>(env: Record<string, string | undefined>, work: (db: Db) => Promise<T>): Promise<T> {
  const db = await openDb(loadConfig(env))
  try {
    return await work(db)
  } finally {
    await db.destroy()
  }
}

const textsOf = (env: Record<string, string | undefined>, memberId: string) =>
  withDb(env, async (db) => (await db.selectFrom('messages').select('text').where('sender_id', '=', memberId).orderBy('id').execute()).map((r) => r.text))

describe('qundesk members export', () => {
  it('writes everything held about a member found by name to --out, readable by its owner only, audited as the CLI user', async () => {
    const { env, dir } = await seeded()
    const file = path.join(dir, 'zhang.json')
    const res = await run(['members', 'export', '张三', '--out', file], env)
    expect(res).toMatchObject({ code: 0, stdout: '' })
    expect(res.stderr).toContain('已导出成员 wxid_zhang 的个人信息')
    const data = JSON.parse(await fs.readFile(file, 'utf8')) as { memberId: string; messages: Array<{ text: string }>; memberships: unknown[] }
    expect(data.memberId).toBe('wxid_zhang')
    expect(data.messages.map((m) => m.text)).toEqual(['我的快递到哪了 13812345678', '订单号 DD20261123001'])
    expect(data.memberships).toHaveLength(1)
    expect((await fs.stat(file)).mode & 0o777).toBe(0o600)
    const [entry] = await withDb(env, (db) => listAudit(db, 1))
    expect(entry).toMatchObject({ action: 'member.exported', actor: 'cli:tester', subject_id: 'wxid_zhang' })
  })

  it('prints JSON to stdout by member id', async () => {
    const { env } = await seeded()
    const res = await run(['members', 'export', 'wxid_li2'], env)
    expect(res.code).toBe(0)
    expect(JSON.parse(res.stdout)).toMatchObject({ memberId: 'wxid_li2', names: ['李四'], messages: [] })
  })

  it('lists the candidates when a name is ambiguous, and says so when nobody matches', async () => {
    const { env } = await seeded()
    const ambiguous = await run(['members', 'export', '李四'], env)
    expect(ambiguous.code).toBe(1)
    expect(ambiguous.stderr).toContain('有 2 个成员叫「李四」，请用成员 ID')
    expect(ambiguous.stderr).toMatch(/wxid_li1 {2}李四 {2}VIP客户群\n {2}wxid_li2 {2}李四 {2}售后群/)
    const unknown = await run(['members', 'export', 'nobody'], env)
    expect(unknown).toMatchObject({ code: 1, stderr: expect.stringContaining('没有找到成员 nobody') })
    expect((await run(['members', 'export'], env)).code).toBe(2)
  })
})

describe('qundesk members delete', () => {
  it('shows what would be erased and refuses when there is no terminal to confirm and no --yes', async () => {
    const { env } = await seeded()
    const res = await run(['members', 'delete', '张三'], env)
    expect(res.code).toBe(1)
    expect(res.stdout).toContain('将删除成员「张三」（wxid_zhang）的个人信息')
    expect(res.stdout).toContain('发过的消息 2 条')
    expect(res.stderr).toContain('加 --yes')
    expect(await textsOf(env, 'wxid_zhang')).toHaveLength(2)
  })

  it('asks for the name on a terminal: a wrong answer erases nothing, the right one erases', async () => {
    const { env } = await seeded()
    const prompts: string[] = []
    const wrong = await run(['members', 'delete', '张三'], env, { confirm: async (p) => { prompts.push(p); return '张' } })
    expect(wrong.code).toBe(1)
    expect(prompts).toEqual(['输入成员昵称「张三」或成员 ID 确认删除：'])
    expect(await textsOf(env, 'wxid_zhang')).toHaveLength(2)

    const right = await run(['members', 'delete', '张三'], env, { confirm: async () => '张三' })
    expect(right.code).toBe(0)
    expect(right.stdout).toContain('已删除成员 wxid_zhang 的个人信息：消息 2 条')
    expect(await textsOf(env, 'wxid_zhang')).toEqual([])
    await withDb(env, async (db) => {
      const kept = await db.selectFrom('messages').select(['sender_id', 'sender_name', 'text', 'content_purged_at']).orderBy('id').execute()
      expect(kept).toEqual([0, 1].map(() => ({ sender_id: expect.stringMatching(/^erased:/), sender_name: '已删除成员', text: '', content_purged_at: expect.any(String) })))
      expect(new Set(kept.map((k) => k.sender_id)).size).toBe(1)
      const [entry] = await listAudit(db, 1)
      expect(entry).toMatchObject({ action: 'member.erased', actor: 'cli:tester' })
    })
  })

  it('erases without asking with --yes', async () => {
    const { env } = await seeded()
    const res = await run(['members', 'delete', 'wxid_li1', '--yes'], env)
    expect(res.code).toBe(0)
    await withDb(env, async (db) => {
      expect(await db.selectFrom('group_members').select('member_id').where('member_name', '=', '李四').execute()).toEqual([{ member_id: 'wxid_li2' }])
    })
  })

  it('refuses while a reply to the member is still queued, and changes nothing', async () => {
    const { env } = await seeded()
    await withDb(env, async (db) => {
      const now = new Date().toISOString()
      await sql`INSERT INTO outbox (source, group_id, text, mention_member_id, mention_member_name, actor, status, attempts, next_attempt_at, created_at)
        VALUES ('suggestion:1', 'g1@chatroom', '张三您好', 'wxid_zhang', '张三', 'bot', 'queued', 0, ${now}, ${now})`.execute(db)
    })
    const res = await run(['members', 'delete', 'wxid_zhang', '--yes'], env)
    expect(res.code).toBe(1)
    expect(res.stderr).toContain('有 1 条发给该成员的消息正在排队或发送')
    expect(await textsOf(env, 'wxid_zhang')).toHaveLength(2)
  })

  describe('the embedding provider\'s cached vectors', () => {
    /** Vectors as the provider's help caches them: 张三's question, someone else's, and a knowledge example. */
    async function withVectors(env: Record<string, string | undefined>) {
      const loaded = await loadKnowledge(env.QUNDESK_KNOWLEDGE_DIR!)
      if (!loaded.ok) throw new Error('fixture knowledge does not load')
      const normalize = questionNormalizer(loaded.kb)
      const hashes = { zhang: embeddingTextHash(normalize('我的快递到哪了 13812345678')), other: embeddingTextHash(normalize('能开发票吗')), example: embeddingTextHash(normalize('我的快递到哪了')) }
      const createdAt = new Date().toISOString()
      await withDb(env, (db) => insertCachedVectors(db, [
        { model: 'm', textHash: hashes.zhang, kind: 'question', vector: [1, 0], createdAt },
        { model: 'm', textHash: hashes.other, kind: 'question', vector: [0, 1], createdAt },
        { model: 'm', textHash: hashes.example, kind: 'example', vector: [1, 1], createdAt },
      ]))
      return hashes
    }
    const cached = (env: Record<string, string | undefined>) =>
      withDb(env, async (db) => (await db.selectFrom('embedding_cache').select(['kind', 'text_hash']).orderBy('kind').execute()))

    it('deletes the vector of the member\'s question only, normalised with the knowledge', async () => {
      const { env } = await seeded()
      const hashes = await withVectors(env)
      const res = await run(['members', 'delete', '张三', '--yes'], env)
      expect(res).toMatchObject({ code: 0, stderr: '' })
      expect(res.stdout).toContain('问题向量 1 条')
      expect(await cached(env)).toEqual([{ kind: 'example', text_hash: hashes.example }, { kind: 'question', text_hash: hashes.other }])
    })

    it('deletes every question vector, and says so, when the knowledge does not load (which are theirs cannot be told)', async () => {
      const { env, dir } = await seeded()
      const hashes = await withVectors(env)
      const res = await run(['members', 'delete', '张三', '--yes'], { ...env, QUNDESK_KNOWLEDGE_DIR: path.join(dir, 'no-such-knowledge') })
      expect(res.code).toBe(0)
      expect(res.stdout).toContain('问题向量 2 条')
      expect(res.stderr).toContain('已删除全部顾客问题的向量缓存')
      expect(await cached(env)).toEqual([{ kind: 'example', text_hash: hashes.example }])
    })
  })
})
