import fs from 'node:fs/promises'
import path from 'node:path'
import { sql } from 'kysely'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { questionVectorHashes } from '../../src/embeddings/semantic-help.js'
import { listAudit } from '../../src/storage/audit.repository.js'
import { newContentKeyEntry } from '../../src/storage/content-cipher.js'
import { embeddingTextHash } from '../../src/storage/embedding-cache.repository.js'
import { insertLearnedExample } from '../../src/storage/learned-example.repository.js'
import { startFakeEmbeddings, type FakeEmbeddings } from '../support/fake-embeddings-server.js'
import { login } from './console-session.js'
import { makeWorkdir, startTestApp, waitFor, withWorkdirDb, type TestApp } from './test-context.js'

const KEY = 'sk-embeddings-secret-erasure-1a2b3c'
const PASSWORD = '管理密码-0123456789'
/** 张三's question: "parcel" is a synonym of 快递, so it is embedded (and hashed) as 我的快递到哪儿啦, not as typed. */
const ALICE_QUESTION = '我的parcel到哪儿啦？'
const ALICE_EMBEDDED = '我的快递到哪儿啦'
const BOB_QUESTION = '客服几点下班呀'
/** An agent's intent fix that names 张三: erasure deletes the fix, and so the vector it was embedded as. */
const FIX = '张三的宝贝咋还没到'

let t: TestApp | undefined
let provider: FakeEmbeddings
beforeEach(async () => {
  provider = await startFakeEmbeddings({ apiKey: KEY })
})
afterEach(async () => {
  await t?.stop()
  t = undefined
  await provider.close()
})

async function cacheRows(app: TestApp) {
  return app.app.db.selectFrom('embedding_cache').select(['kind', 'text_hash']).orderBy('text_hash').execute()
}

describe.each([
  { content: 'plain', env: {} },
  { content: 'sealed (QUNDESK_CONTENT_KEYS)', env: { QUNDESK_CONTENT_KEYS: newContentKeyEntry('k1') } },
])('erasing a member with the embedding provider on, content $content', ({ env }) => {
  it('deletes the cached vectors of their questions and of a fix naming them; another member\'s and the knowledge\'s examples stay', async () => {
    const work = await makeWorkdir()
    await fs.writeFile(path.join(work.kbDir, 'synonyms.yaml'), 'synonyms:\n  快递: [parcel]\n')
    await withWorkdirDb(work, (db) => insertLearnedExample(db, { intentId: 'logistics.track', text: FIX, suggestionId: null, createdBy: '小王', createdAt: new Date().toISOString() }))
    t = await startTestApp(work, {
      env: { QUNDESK_EMBEDDINGS_URL: provider.baseUrl, QUNDESK_EMBEDDINGS_MODEL: provider.model, QUNDESK_EMBEDDINGS_API_KEY: KEY, ...env },
    })
    const { app, world } = t
    // The examples and the fix are embedded once the knowledge loads.
    await waitFor(async () => (await cacheRows(t!)).some((r) => r.kind === 'question'))
    const examples = (await cacheRows(t)).filter((r) => r.kind === 'example')
    expect(examples.length).toBeGreaterThan(0)

    world.ask(world.alice, ALICE_QUESTION)
    world.ask(world.bob, BOB_QUESTION)
    await waitFor(() => provider.embedded().includes(ALICE_EMBEDDED) && provider.embedded().includes(BOB_QUESTION))
    await waitFor(async () => (await cacheRows(t!)).filter((r) => r.kind === 'question').length === 3)
    // Whatever was auto-sent to 张三 has left: erasure refuses while a send to them is on its way.
    await waitFor(async () => Number((await sql<{ n: number }>`SELECT COUNT(*) AS n FROM outbox WHERE status IN ('queued', 'sending')`.execute(app.db)).rows[0]!.n) === 0)

    await app.auth.addUser({ name: '老板', role: 'admin', password: PASSWORD, actor: 'test' })
    const admin = (await login(app.url, '老板', PASSWORD)).session!
    const res = await admin.call<Record<string, number>>('DELETE', `/api/members/${encodeURIComponent(world.alice.id)}`)
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ messages: 1, learnedExamples: 1, questionVectors: 2 })

    const after = await cacheRows(t)
    expect(after.filter((r) => r.kind === 'example')).toEqual(examples)
    expect(after.filter((r) => r.kind === 'question')).toEqual([{ kind: 'question', text_hash: embeddingTextHash(BOB_QUESTION) }])
    for (const text of [ALICE_EMBEDDED, FIX]) expect(after.map((r) => r.text_hash)).not.toContain(embeddingTextHash(text))
    // The keys erasure looked for are the ones the provider's vectors were cached under.
    expect(questionVectorHashes(app.knowledge.current().kb)(ALICE_QUESTION)).toContain(embeddingTextHash(ALICE_EMBEDDED))
    const [entry] = await listAudit(app.db, 1)
    expect(entry).toMatchObject({ action: 'member.erased' })
    expect(JSON.parse(entry!.detail)).toMatchObject({ questionVectors: 2 })
  })
})
