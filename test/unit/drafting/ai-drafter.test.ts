import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createLogger } from '../../../src/core/logger.js'
import type { Suggestion } from '../../../src/core/suggestion.js'
import { AI_DRAFT_MAX_CHARS, createAiDrafter } from '../../../src/drafting/ai-drafter.js'
import type { ChatClient } from '../../../src/drafting/chat-completions-client.js'
import { LlmError } from '../../../src/drafting/llm-error.js'
import type { Db } from '../../../src/storage/create-db.js'
import { createTestDb } from '../../support/test-database.js'

let db: Db
beforeEach(async () => { db = await createTestDb() })
afterEach(async () => { await db.destroy() })

const suggestion = { id: 7, groupId: 'g1', question: '发票抬头开错了怎么办', version: 1 } as Suggestion
const grounding = [{ id: 'invoice.issue', answer: '请在「我的订单」→「申请开票」填写抬头。' }]
const clock = () => new Date('2026-12-03T02:00:00.000Z')

function drafter(chat: ChatClient, attach: (text: string) => boolean = () => true) {
  const attached: Array<{ text: string; intentIds: readonly string[] }> = []
  const d = createAiDrafter({
    db, chat, model: 'configured-model', pricePer1k: { input: 0.002, output: 0.006 }, clock, logger: createLogger({ level: 'silent' }),
    suggestions: { attachAiDraft: async (_id, draft) => (attach(draft.text) ? (attached.push(draft), { ...suggestion, text: draft.text } as Suggestion) : undefined) },
  })
  return { d, attached, row: () => db.selectFrom('ai_drafts').selectAll().executeTakeFirst() }
}

describe('createAiDrafter', () => {
  it('estimates tokens when the server sends no usage, prices them, and names the model the server used', async () => {
    const { d, attached, row } = drafter({ complete: async () => ({ text: '可以重新开票。', usage: null, model: 'served-model', latencyMs: 42 }) })
    d.request(suggestion, grounding)
    await d.drain()
    expect(attached).toEqual([{ text: '可以重新开票。', intentIds: ['invoice.issue'] }])
    const r = (await row())!
    expect(r).toMatchObject({ suggestion_id: 7, group_id: 'g1', model: 'served-model', outcome: 'drafted', error: null, tokens_estimated: 1, completion_tokens: 7, latency_ms: 42, intent_ids: '["invoice.issue"]' })
    expect(r.prompt_tokens).toBeGreaterThan(100)
    expect(r.cost).toBeCloseTo((r.prompt_tokens * 0.002 + 7 * 0.006) / 1000, 6)
  })

  it('stores a well-formed, bounded draft', async () => {
    const { d, attached } = drafter({ complete: async () => ({ text: `好\u0000\ud800${'长'.repeat(3000)}`, usage: { promptTokens: 1, completionTokens: 1 }, model: null, latencyMs: 1 }) })
    d.request(suggestion, grounding)
    await d.drain()
    expect(attached[0]!.text.startsWith('好\ufffd\ufffd长')).toBe(true)
    expect([...attached[0]!.text].length).toBe(AI_DRAFT_MAX_CHARS)
  })

  it('records a draft that came too late as superseded (tokens still counted), a refusal with its reason and no tokens, a timeout with its prompt estimated', async () => {
    const beaten = drafter({ complete: async () => ({ text: '好的', usage: { promptTokens: 300, completionTokens: 20 }, model: null, latencyMs: 5 }) }, () => false)
    beaten.d.request(suggestion, grounding)
    await beaten.d.drain()
    expect(await beaten.row()).toMatchObject({ outcome: 'superseded', prompt_tokens: 300, completion_tokens: 20, model: 'configured-model' })
    await db.deleteFrom('ai_drafts').execute()

    const refused = drafter({ complete: async () => { throw new LlmError('http_429', '请求过多') } })
    refused.d.request(suggestion, grounding)
    await refused.d.drain()
    expect(refused.attached).toEqual([])
    expect(await refused.row()).toMatchObject({ outcome: 'failed', error: 'http_429', prompt_tokens: 0, completion_tokens: 0, tokens_estimated: 0, cost: 0 })
    await db.deleteFrom('ai_drafts').execute()

    // The server had the prompt when we gave up on it: providers bill that.
    const late = drafter({ complete: async () => { throw new LlmError('timeout', '超时') } })
    late.d.request(suggestion, grounding)
    await late.d.drain()
    const row = await late.row()
    expect(row).toMatchObject({ outcome: 'timeout', error: 'timeout', completion_tokens: 0, tokens_estimated: 1 })
    expect(row!.prompt_tokens).toBeGreaterThan(20)
    expect(row!.cost).toBeGreaterThan(0)
  })

  it('returns at once: request() never waits for the model', async () => {
    let release: () => void = () => undefined
    const { d, row } = drafter({ complete: () => new Promise((resolve) => { release = () => resolve({ text: '好', usage: null, model: null, latencyMs: 1 }) }) })
    d.request(suggestion, grounding)
    expect(await row()).toBeUndefined()
    release()
    await d.drain()
    expect((await row())?.outcome).toBe('drafted')
  })
})
