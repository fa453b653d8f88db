import fs from 'node:fs/promises'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { HealthView, KnowledgeTestView } from '../../src/console/contract.js'
import { startFakeEmbeddings, type FakeEmbeddings } from '../support/fake-embeddings-server.js'
import { login } from './console-session.js'
import { makeWorkdir, startTestApp, waitFor, type TestApp } from './test-context.js'

const PASSWORD = '管理密码-0123456789'
let t: TestApp | undefined
let provider: FakeEmbeddings | undefined
afterEach(async () => {
  await t?.stop()
  await provider?.close()
  t = undefined
  provider = undefined
})

/** 「货送到没」 shares no word with 查物流's examples; the loopback provider knows 货/送到 as logistics words (see cli-kb-eval-embeddings). */
async function start(withProvider: boolean) {
  const work = await makeWorkdir('knowledge/calibrate-with-matching')
  await fs.writeFile(path.join(work.kbDir, 'matching.yaml'), 'matching:\n  suggest: 0.25\n  auto_send: 0.5\n  semantic:\n    suggest: 0.4\n    auto_send: 0.7\n')
  provider = withProvider ? await startFakeEmbeddings() : undefined
  t = await startTestApp(work, provider ? { env: { QUNDESK_EMBEDDINGS_URL: provider.baseUrl, QUNDESK_EMBEDDINGS_MODEL: provider.model } } : {})
  await t.app.auth.addUser({ name: '老板', role: 'admin', password: PASSWORD, actor: 'test' })
  return (await login(t.app.url, '老板', PASSWORD)).session!
}

describe('试一试 decides as the bot does, with the embedding provider when one is configured', () => {
  it('blends the ranking and decides with matching.semantic when the provider answers', async () => {
    const admin = await start(true)
    // The examples' vectors load in the background after start; until then a question is decided offline.
    await waitFor(async () => ((await t!.api<HealthView>('GET', '/api/health')).body.embeddings?.textsEmbedded ?? 0) >= 20)
    const tried = await admin.call<KnowledgeTestView>('POST', '/api/knowledge/test', { question: '货送到没' })
    expect(tried.status).toBe(200)
    expect(tried.body).toMatchObject({ semantic: true, decision: 'accept', intent: { intentId: 'logistics.track' }, threshold: 0.4 })
    expect(tried.body.bands).toContain('matching.semantic')
  })

  it('decides offline (matching:) without a provider', async () => {
    const admin = await start(false)
    const tried = await admin.call<KnowledgeTestView>('POST', '/api/knowledge/test', { question: '货送到没' })
    expect(tried.body).toMatchObject({ semantic: false, decision: 'reject', threshold: 0.25 })
  })
})
