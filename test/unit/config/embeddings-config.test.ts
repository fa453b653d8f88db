import { describe, expect, it } from 'vitest'
import { loadConfig } from '../../../src/config/load-config.js'
import { QunDeskError } from '../../../src/core/errors.js'

const cwd = '/srv/qundesk'
const URL_ = 'http://127.0.0.1:11434/v1'

function problemOf(env: Record<string, string>): string {
  try {
    loadConfig(env, cwd)
  } catch (e) {
    expect(e).toBeInstanceOf(QunDeskError)
    expect((e as QunDeskError).code).toBe('config_invalid')
    return (e as QunDeskError).message
  }
  throw new Error('expected the configuration to be refused')
}

describe('embedding provider configuration', () => {
  it('is off by default', () => {
    expect(loadConfig({}, cwd).embeddings).toBeUndefined()
  })

  it('reads the URL (trailing slash dropped), model, key and defaults', () => {
    expect(loadConfig({ QUNDESK_EMBEDDINGS_URL: `${URL_}/`, QUNDESK_EMBEDDINGS_MODEL: 'bge-m3' }, cwd).embeddings)
      .toEqual({ baseUrl: URL_, model: 'bge-m3', timeoutMs: 2000, weight: 0.5, batchSize: 64 })
    expect(loadConfig({
      QUNDESK_EMBEDDINGS_URL: URL_, QUNDESK_EMBEDDINGS_MODEL: 'bge-small-zh', QUNDESK_EMBEDDINGS_API_KEY: 'sk-secret',
      QUNDESK_EMBEDDINGS_TIMEOUT_MS: '500', QUNDESK_EMBEDDINGS_WEIGHT: '0.3', QUNDESK_EMBEDDINGS_BATCH: '16',
    }, cwd).embeddings).toEqual({ baseUrl: URL_, model: 'bge-small-zh', apiKey: 'sk-secret', timeoutMs: 500, weight: 0.3, batchSize: 16 })
  })

  it.each([
    [{ QUNDESK_EMBEDDINGS_URL: URL_ }, 'QUNDESK_EMBEDDINGS_MODEL is not — name the model'],
    [{ QUNDESK_EMBEDDINGS_MODEL: 'bge-m3' }, 'QUNDESK_EMBEDDINGS_URL is not'],
    [{ QUNDESK_EMBEDDINGS_URL: 'ollama:11434', QUNDESK_EMBEDDINGS_MODEL: 'bge-m3' }, 'QUNDESK_EMBEDDINGS_URL="ollama:11434" must be an http(s) base URL'],
    [{ QUNDESK_EMBEDDINGS_URL: `${URL_}/embeddings`, QUNDESK_EMBEDDINGS_MODEL: 'bge-m3' }, 'not the /embeddings endpoint itself'],
    [{ QUNDESK_EMBEDDINGS_URL: URL_, QUNDESK_EMBEDDINGS_MODEL: 'm', QUNDESK_EMBEDDINGS_TIMEOUT_MS: '2s' }, 'QUNDESK_EMBEDDINGS_TIMEOUT_MS="2s" must be a whole number of milliseconds from 50 to 60000'],
    [{ QUNDESK_EMBEDDINGS_URL: URL_, QUNDESK_EMBEDDINGS_MODEL: 'm', QUNDESK_EMBEDDINGS_TIMEOUT_MS: '10' }, 'QUNDESK_EMBEDDINGS_TIMEOUT_MS="10"'],
    [{ QUNDESK_EMBEDDINGS_URL: URL_, QUNDESK_EMBEDDINGS_MODEL: 'm', QUNDESK_EMBEDDINGS_WEIGHT: '1.5' }, 'QUNDESK_EMBEDDINGS_WEIGHT="1.5" must be a number from 0 to 1'],
    [{ QUNDESK_EMBEDDINGS_URL: URL_, QUNDESK_EMBEDDINGS_MODEL: 'm', QUNDESK_EMBEDDINGS_BATCH: '0' }, 'QUNDESK_EMBEDDINGS_BATCH="0" must be a whole number from 1 to 2048'],
  ])('refuses %j, naming the variable and the fix', (env, message) => {
    expect(problemOf(env)).toContain(message)
  })

  it('refuses credentials or a query in the URL without echoing them', () => {
    const withUser = problemOf({ QUNDESK_EMBEDDINGS_URL: 'http://user:hunter2@127.0.0.1:11434/v1', QUNDESK_EMBEDDINGS_MODEL: 'm' })
    expect(withUser).toContain('must not carry a user or password')
    expect(withUser).not.toContain('hunter2')
    const withQuery = problemOf({ QUNDESK_EMBEDDINGS_URL: 'http://127.0.0.1:11434/v1?api-key=hunter2', QUNDESK_EMBEDDINGS_MODEL: 'm' })
    expect(withQuery).toContain('without ?query')
    expect(withQuery).not.toContain('hunter2')
  })
})
