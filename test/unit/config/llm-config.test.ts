import { describe, expect, it } from 'vitest'
import { loadConfig } from '../../../src/config/load-config.js'
import { QunDeskError } from '../../../src/core/errors.js'

const cwd = '/srv/qundesk'
const problemsOf = (env: Record<string, string>): string[] => {
  try {
    loadConfig(env, cwd)
    return []
  } catch (error) {
    return (error as QunDeskError).context.problems as string[]
  }
}

describe('QUNDESK_LLM_* (the optional AI drafter)', () => {
  it('is off unless QUNDESK_LLM_URL is set', () => {
    expect(loadConfig({}, cwd).llm).toBeUndefined()
  })

  it('reads the URL (trailing slash dropped), model, key, timeout and prices', () => {
    const config = loadConfig({
      QUNDESK_LLM_URL: 'http://127.0.0.1:11434/v1/', QUNDESK_LLM_MODEL: 'qwen2.5:7b-instruct', QUNDESK_LLM_API_KEY: 'sk-secret',
      QUNDESK_LLM_TIMEOUT_MS: '8000', QUNDESK_LLM_PRICE_INPUT_PER_1K: '0.002', QUNDESK_LLM_PRICE_OUTPUT_PER_1K: '0.006',
    }, cwd)
    expect(config.llm).toEqual({ url: 'http://127.0.0.1:11434/v1', model: 'qwen2.5:7b-instruct', apiKey: 'sk-secret', timeoutMs: 8000, pricePer1k: { input: 0.002, output: 0.006 } })
  })

  it('defaults to a 15 s timeout, no key and no prices', () => {
    expect(loadConfig({ QUNDESK_LLM_URL: 'https://api.example.com/v1', QUNDESK_LLM_MODEL: 'm' }, cwd).llm).toEqual({
      url: 'https://api.example.com/v1', model: 'm', timeoutMs: 15_000, pricePer1k: { input: 0, output: 0 },
    })
  })

  it.each([
    [{ QUNDESK_LLM_URL: 'http://127.0.0.1:11434/v1' }, /needs QUNDESK_LLM_MODEL/],
    [{ QUNDESK_LLM_MODEL: 'm' }, /set without QUNDESK_LLM_URL/],
    [{ QUNDESK_LLM_URL: 'ftp://x/v1', QUNDESK_LLM_MODEL: 'm' }, /must be an http\(s\) base URL/],
    [{ QUNDESK_LLM_URL: 'http://127.0.0.1/v1', QUNDESK_LLM_MODEL: 'm', QUNDESK_LLM_TIMEOUT_MS: '15s' }, /QUNDESK_LLM_TIMEOUT_MS="15s" must be a whole number of milliseconds/],
    [{ QUNDESK_LLM_URL: 'http://127.0.0.1/v1', QUNDESK_LLM_MODEL: 'm', QUNDESK_LLM_PRICE_INPUT_PER_1K: '-1' }, /QUNDESK_LLM_PRICE_INPUT_PER_1K="-1" must be a price/],
  ])('refuses %j with the fix', (env, message) => {
    expect(problemsOf(env as Record<string, string>).join('\n')).toMatch(message)
  })

  it('never repeats a key written into the URL in its message', () => {
    const problems = problemsOf({ QUNDESK_LLM_URL: 'http://user:sk-in-url@127.0.0.1/v1', QUNDESK_LLM_MODEL: 'm' }).join('\n')
    expect(problems).toMatch(/QUNDESK_LLM_API_KEY/)
    expect(problems).not.toContain('sk-in-url')
  })
})
