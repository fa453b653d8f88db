import fs from 'node:fs/promises'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { loadKnowledge } from '../../src/knowledge/load-knowledge.js'
import { startFakeEmbeddings, type FakeEmbeddings } from '../support/fake-embeddings-server.js'
import { runQundesk as qundesk } from './run-qundesk.js'
import { makeWorkdir } from './test-context.js'

const FIXTURE = 'knowledge/calibrate-with-matching'
const KEY = 'sk-calibrate-secret-abcdef012345'

let provider: FakeEmbeddings
beforeEach(async () => {
  provider = await startFakeEmbeddings({ apiKey: KEY })
})
afterEach(async () => {
  await provider.close()
})

const env = () => ({ QUNDESK_EMBEDDINGS_URL: provider.baseUrl, QUNDESK_EMBEDDINGS_MODEL: provider.model, QUNDESK_EMBEDDINGS_API_KEY: KEY })

describe('qundesk kb calibrate with the embedding provider (the real CLI, a loopback provider)', () => {
  it('blends held-out rankings with the provider\'s vectors and --write sets matching.semantic, leaving matching: alone', async () => {
    const work = await makeWorkdir(FIXTURE)
    const file = path.join(work.kbDir, 'matching.yaml')
    const before = await fs.readFile(file, 'utf8')
    const res = await qundesk(['kb', 'calibrate', '--kb', work.kbDir, '--target-false-accept', '0.1', '--write', '--json'], env())
    expect(res.stderr).toContain(`用嵌入服务 ${provider.model}`)
    expect(res.code).toBe(0)
    const report = JSON.parse(res.stdout)
    expect(report).toMatchObject({ intents: 5, listed: 20, unlisted: 20, semanticWeight: 0.5, accept: { met: true } })
    // Every example (20, normalised) embedded once, in one request (batch 64), with the key.
    expect(provider.requests).toHaveLength(1)
    expect(provider.requests[0]!.input).toHaveLength(20)
    expect(provider.requests[0]!.authorization).toBe(`Bearer ${KEY}`)

    const after = await fs.readFile(file, 'utf8')
    const { suggest, autoSend } = report.written
    // The offline band and the comments are untouched; the semantic band is added at the top of the section.
    expect(after).toBe(before.replace('matching:\n', `matching:\n  semantic:\n    suggest: ${suggest}\n    auto_send: ${autoSend}\n`))
    const loaded = await loadKnowledge(work.kbDir)
    expect(loaded.ok && loaded.kb.bands).toMatchObject({ global: { suggest: 0.25, autoSend: 0.5 }, semantic: { suggest, autoSend } })
  }, 120_000) // several real CLI runs; on a busy 2-core machine each takes 15–20 s

  it('--no-embeddings calibrates the offline matcher; a provider that fails stops with the fix', async () => {
    const work = await makeWorkdir(FIXTURE)
    const offline = await qundesk(['kb', 'calibrate', '--kb', work.kbDir, '--json', '--no-embeddings'], env())
    expect(offline.code).toBe(0)
    expect(JSON.parse(offline.stdout).semanticWeight).toBeNull()
    expect(provider.requests).toHaveLength(0)

    provider.fault = { kind: 'status', status: 500 }
    const down = await qundesk(['kb', 'calibrate', '--kb', work.kbDir], env())
    expect(down.code).toBe(1)
    expect(down.stderr).toContain('嵌入服务出错：embedding provider answered 500')
    expect(down.stderr).toContain('--no-embeddings')
    expect(down.stderr + down.stdout).not.toContain(KEY)
  }, 120_000) // several real CLI runs; on a busy 2-core machine each takes 15–20 s
})
