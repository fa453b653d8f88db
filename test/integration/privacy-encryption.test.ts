import fs from 'node:fs/promises'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { runCli } from '../../src/cli.js'
import type { CliIo } from '../../src/cli/cli-io.js'
import { newContentKeyEntry, parseContentKeys } from '../../src/storage/content-cipher.js'
import { openRawDb } from '../support/raw-db.js'
import { onPostgres } from '../support/test-database.js'
import { textColumnsHolding } from '../support/text-columns.js'
import { makeWorkdir, startTestApp, testEnv, waitFor, type TestApp } from './test-context.js'

const K1 = newContentKeyEntry('k1')
const K2 = newContentKeyEntry('k2')

let t: TestApp | undefined
afterEach(async () => {
  await t?.stop()
  t = undefined
})

async function run(args: string[], env: Record<string, string | undefined>) {
  const out: string[] = []
  const err: string[] = []
  const io: CliIo = { stdout: (x) => out.push(x), stderr: (x) => err.push(x), env: { ...env, USER: 'ops' }, cwd: process.cwd() }
  const code = await runCli(args, io)
  return { code, stdout: out.join('\n'), stderr: err.join('\n') }
}

interface ApiSuggestion { id: number; question: string; text: string | null; status: string; finalText?: string | null }

type Work = Awaited<ReturnType<typeof makeWorkdir>>

/** Reads the database (the SQLite file, or the PostgreSQL database) with no key at all, as someone holding a copy of it would. */
async function rawRows(work: Work) {
  const raw = openRawDb(work)
  try {
    return {
      messages: await raw.selectFrom('messages').select(['id', 'sender_name', 'text', 'question']).orderBy('received_at').execute(),
      suggestions: await raw.selectFrom('suggestions').select(['question', 'text', 'final_text']).execute(),
      outbox: await raw.selectFrom('outbox').select('text').execute(),
      auditDetails: (await raw.selectFrom('audit_log').select('detail').execute()).map((a) => a.detail),
    }
  } finally {
    await raw.destroy()
  }
}

/** Every text column, in any table, whose stored value contains `words`, read with no key. */
async function rawColumnsHolding(work: Work, words: string): Promise<string[]> {
  const raw = openRawDb(work)
  try {
    return await textColumnsHolding(raw, words)
  } finally {
    await raw.destroy()
  }
}

describe('stored message content encrypted with QUNDESK_CONTENT_KEYS (AES-256-GCM)', () => {
  it('keeps customers\' words and agents\' replies out of the database file while the console and sends work as before', async () => {
    const work = await makeWorkdir()
    t = await startTestApp(work, { env: { QUNDESK_CONTENT_KEYS: K1 } })
    t.world.ask(t.world.alice, '我的快递到哪了 13812345678')
    const pending = await waitFor(async () => (await t!.api<ApiSuggestion[]>('GET', '/api/suggestions?status=pending')).body.find((s) => s.question === '我的快递到哪了 13812345678'))
    expect(pending.text).toContain('查物流')
    const sent = await t.api('POST', `/api/suggestions/${pending.id}/send`, { text: '张三您好，单号 SF1234567890 明天送达。' })
    expect(sent.status).toBe(200)
    await waitFor(() => t!.world.said.length === 1)
    expect(t.world.said[0]).toContain('张三您好，单号 SF1234567890 明天送达。')
    expect((await t.api<ApiSuggestion>('GET', `/api/suggestions/${pending.id}`)).body).toMatchObject({ question: '我的快递到哪了 13812345678', status: 'sent' })
    await t.stop()
    t = undefined

    const raw = await rawRows(work)
    expect(raw.messages.length).toBeGreaterThan(0)
    for (const m of raw.messages) {
      expect(m.text).toMatch(/^qdenc1:k1:/)
      expect(m.question).toMatch(/^qdenc1:k1:/)
    }
    expect(raw.messages.map((m) => m.sender_name)).toContain('张三')
    for (const s of raw.suggestions) {
      for (const value of [s.question, s.text, s.final_text]) if (value) expect(value).toMatch(/^qdenc1:k1:/)
    }
    expect(raw.outbox.map((o) => o.text.slice(0, 10))).toEqual(['qdenc1:k1:'])
    const plainWords = ['快递到哪', '13812345678', 'SF1234567890', '查物流']
    // No stored value anywhere holds the words (every table, the audit log too).
    for (const words of plainWords) expect(await rawColumnsHolding(work, words), `columns holding ${words}`).toEqual([])
    if (!onPostgres()) {
      // Stop checkpoints the WAL into the file; neither holds the words.
      for (const file of ['qundesk.sqlite', 'qundesk.sqlite-wal']) {
        const bytes = await fs.readFile(path.join(work.dataDir, file)).catch(() => Buffer.alloc(0))
        for (const words of plainWords) expect(bytes.includes(Buffer.from(words)), `${file} holds ${words}`).toBe(false)
      }
    }

    // The audit details are sealed too; the chain is checked on the opened text, so verify and backup need the key.
    expect(raw.auditDetails.filter((d) => d.startsWith('qdenc1:k1:'))).not.toEqual([])
    const env = testEnv(work, { QUNDESK_CONTENT_KEYS: K1 })
    expect(await run(['audit', 'verify'], env)).toMatchObject({ code: 0 })
    const unkeyedVerify = await run(['audit', 'verify'], testEnv(work))
    expect(unkeyedVerify.code).toBe(1)
    expect(unkeyedVerify.stderr).toContain('encrypted with key "k1", which QUNDESK_CONTENT_KEYS does not list')
    if (onPostgres()) {
      // qundesk backup is for SQLite; on PostgreSQL it points at pg_dump instead.
      expect(await run(['backup', path.join(work.dir, 'copy.sqlite')], env)).toMatchObject({ code: 1, stderr: expect.stringContaining('pg_dump') })
    } else {
      expect(await run(['backup', path.join(work.dir, 'copy.sqlite')], env)).toMatchObject({ code: 0 })
      const unkeyed = await run(['backup', path.join(work.dir, 'copy2.sqlite')], testEnv(work))
      expect(unkeyed.code).toBe(1)
      expect(unkeyed.stderr).toContain('审计日志的内容已加密')
    }
  })

  it('rotates to a new key while keeping old content readable, retires the old key, and then starts without it', async () => {
    const work = await makeWorkdir()
    const env = (keys: string) => testEnv(work, { QUNDESK_CONTENT_KEYS: keys })
    t = await startTestApp(work, { env: { QUNDESK_CONTENT_KEYS: K1 } })
    t.world.ask(t.world.alice, '能开发票吗')
    await waitFor(async () => (await t!.api<ApiSuggestion[]>('GET', '/api/suggestions?status=pending')).body.length === 1)
    await t.stop()
    t = undefined

    // New key first, old key kept for reading: old content shows, new content is sealed with k2.
    t = await startTestApp(work, { env: { QUNDESK_CONTENT_KEYS: `${K2},${K1}` } })
    expect((await t.api<ApiSuggestion[]>('GET', '/api/suggestions?status=pending')).body.map((s) => s.question)).toEqual(['能开发票吗'])
    t.world.ask(t.world.bob, '退款什么时候到账')
    await waitFor(async () => (await t!.api<ApiSuggestion[]>('GET', '/api/suggestions?status=pending')).body.length === 2)
    await t.stop()
    t = undefined
    expect(new Set((await rawRows(work)).messages.map((m) => m.text.slice(0, 10)))).toEqual(new Set(['qdenc1:k1:', 'qdenc1:k2:']))

    const before = await run(['content-key', 'status'], env(`${K2},${K1}`))
    expect(before.code).toBe(0)
    expect(before.stdout).toContain('新内容加密方式：密钥 k2（AES-256-GCM）')
    expect(before.stdout).toMatch(/messages\.text\s+明文 0，k2 1，k1 1/)

    const rotated = await run(['content-key', 'rotate'], env(`${K2},${K1}`))
    expect(rotated).toMatchObject({ code: 0 })
    expect(rotated.stdout).toContain('已停用密钥：k1')
    expect(new Set((await rawRows(work)).messages.map((m) => m.text.slice(0, 10)))).toEqual(new Set(['qdenc1:k2:']))
    const after = await run(['content-key', 'status'], env(K2))
    expect(after.stdout).toMatch(/密钥 k1：指纹 [0-9a-f]{16}，\S+ 起使用，\S+ 已停用（未配置）/)
    expect(after.stdout).toMatch(/messages\.text\s+明文 0，k2 2，k1 0/)

    t = await startTestApp(work, { env: { QUNDESK_CONTENT_KEYS: K2 } })
    expect((await t.api<ApiSuggestion[]>('GET', '/api/suggestions?status=pending')).body.map((s) => s.question).sort()).toEqual(['能开发票吗', '退款什么时候到账'])
    const audit = await t.app.db.selectFrom('audit_log').select(['action', 'actor', 'detail']).where('action', '=', 'content_keys.rotated').execute()
    expect(audit).toHaveLength(1)
    expect(audit[0]!.actor).toBe('cli:ops')
    expect(JSON.parse(audit[0]!.detail)).toMatchObject({ rewritten: expect.any(Number), skipped: 0, retired: ['k1'], leftOver: [], plainLeft: 0 })
    await t.stop()
    t = undefined

    // Only the retired key: refused with the reason, before anything is read.
    await expect(startTestApp(work, { env: { QUNDESK_CONTENT_KEYS: K1 } })).rejects.toThrow(/encrypted with key "k2", which QUNDESK_CONTENT_KEYS does not list/)
    const status = await run(['content-key', 'status'], env(K1))
    expect(status.code).toBe(1)
    expect(status.stderr).toContain('does not list')
  })

  it('turns encryption off: plaintext first, rotate, then runs without any key', async () => {
    const work = await makeWorkdir()
    t = await startTestApp(work, { env: { QUNDESK_CONTENT_KEYS: K1 } })
    t.world.ask(t.world.alice, '能开发票吗')
    await waitFor(async () => (await t!.api<ApiSuggestion[]>('GET', '/api/suggestions?status=pending')).body.length === 1)
    await t.stop()
    t = undefined
    expect((await run(['content-key', 'rotate'], testEnv(work, { QUNDESK_CONTENT_KEYS: `plaintext,${K1}` }))).code).toBe(0)
    expect((await rawRows(work)).messages.map((m) => m.text)).toEqual([expect.stringMatching(/^@客服助手\s能开发票吗$/u)])
    t = await startTestApp(work)
    expect((await t.api<ApiSuggestion[]>('GET', '/api/suggestions?status=pending')).body.map((s) => s.question)).toEqual(['能开发票吗'])
  })

  it('erases a member from an encrypted database, including other people\'s messages that name them', async () => {
    const work = await makeWorkdir()
    t = await startTestApp(work, { env: { QUNDESK_CONTENT_KEYS: K1 } })
    t.world.ask(t.world.alice, '我的快递到哪了')
    t.world.ask(t.world.bob, '张三的发票开了吗')
    t.world.ask(t.world.bob, '退款什么时候到账')
    await waitFor(async () => (await t!.api<ApiSuggestion[]>('GET', '/api/suggestions?status=pending')).body.length === 3)
    const aliceId = t.world.alice.id
    await t.stop()
    t = undefined

    const erased = await run(['members', 'delete', aliceId, '--yes'], testEnv(work, { QUNDESK_CONTENT_KEYS: K1 }))
    expect(erased.code).toBe(0)
    t = await startTestApp(work, { env: { QUNDESK_CONTENT_KEYS: K1 } })
    const texts = (await t.app.db.selectFrom('messages').select('text').where('channel', '!=', 'rules').execute()).map((m) => m.text)
    expect(texts.filter((x) => x !== '')).toEqual([expect.stringMatching(/^@客服助手\s退款什么时候到账$/u)])
  })

  it('refuses a malformed key at start with the reason and without printing the key', async () => {
    const work = await makeWorkdir()
    const bad = `k1:${K1.slice(3, 30)}`
    const res = await run(['content-key', 'status'], testEnv(work, { QUNDESK_CONTENT_KEYS: bad }))
    expect(res.code).toBe(1)
    expect(res.stderr).toContain('QUNDESK_CONTENT_KEYS key "k1" must be 32 bytes')
    expect(res.stderr).not.toContain(K1.slice(3, 30))
  })

  it('prints a fresh key entry that QUNDESK_CONTENT_KEYS accepts', async () => {
    const res = await run(['content-key', 'new', 'k2027'], {})
    expect(res.code).toBe(0)
    expect(parseContentKeys(res.stdout)).toMatchObject({ active: 'k2027', problems: [] })
    expect(res.stderr).toContain('QUNDESK_CONTENT_KEYS 的最前面')
  })
})
