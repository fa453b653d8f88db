import { afterEach, describe, expect, it } from 'vitest'
import { PuppetServer } from 'wechaty-puppet-service'
import { loadConfig } from '../../src/config/load-config.js'
import { createLogger } from '../../src/core/logger.js'
import { startQunDesk, type QunDesk } from '../../src/main.js'
import { callApi, createMockWorld, makeWorkdir, testEnv, waitFor } from './test-context.js'
import { freePort } from '../support/free-port.js'

// The text before the last '_' is the TLS server name; 'insecure' matches the certificate bundled with the package.
const SERVICE_TOKEN = 'insecure_qundesk-test-token'

let cleanup: Array<() => Promise<unknown>> = []
afterEach(async () => {
  for (const c of cleanup.reverse()) await c().catch(() => undefined)
  cleanup = []
})

describe('real accounts through wechaty-puppet-service (client and PuppetServer on loopback)', () => {
  it('carries an @-mention to a suggestion and the approved reply back into the group', async () => {
    const world = createMockWorld()
    const endpoint = `127.0.0.1:${await freePort()}`
    const server = new PuppetServer({ endpoint, puppet: world.puppet, token: SERVICE_TOKEN })
    await server.start()
    cleanup.push(() => server.stop())

    const work = await makeWorkdir()
    const config = loadConfig(testEnv(work, {
      WECHATY_PUPPET: 'wechaty-puppet-service',
      WECHATY_PUPPET_SERVICE_TOKEN: SERVICE_TOKEN,
      WECHATY_PUPPET_SERVICE_ENDPOINT: endpoint,
    }))
    expect(config.puppet.kind).toBe('service')
    expect(config.demo.enabled).toBe(false)
    const app: QunDesk = await startQunDesk(config, { logger: createLogger({ level: 'silent' }) })
    cleanup.unshift(() => app.stop())
    // The client's start() starts the server-side PuppetMock; log in there.
    world.login()
    await waitFor(() => app.channel.isLoggedIn())

    world.ask(world.alice, '我的快递到哪了')
    const suggestion = await waitFor(async () => (await app.suggestions.list({ status: 'pending' }))[0])
    expect(suggestion).toMatchObject({ intentId: 'logistics.track', memberName: '张三', groupName: 'VIP客户群' })

    const res = await callApi(app.url, 'POST', `/api/suggestions/${suggestion.id}/send`)
    expect(res.status).toBe(200)
    await waitFor(() => world.said.length === 1)
    expect(world.said[0]).toMatch(/^@张三\s张三您好，查物流/u)
  })
})

describe('a dropped puppet service', () => {
  it('is reported offline, queues approved replies, reconnects with backoff and then sends them once', async () => {
    const world = createMockWorld()
    const endpoint = `127.0.0.1:${await freePort()}`
    let server = new PuppetServer({ endpoint, puppet: world.puppet, token: SERVICE_TOKEN })
    await server.start()
    cleanup.push(() => server.stop())
    const work = await makeWorkdir()
    const app: QunDesk = await startQunDesk(loadConfig(testEnv(work, {
      WECHATY_PUPPET: 'wechaty-puppet-service', WECHATY_PUPPET_SERVICE_TOKEN: SERVICE_TOKEN, WECHATY_PUPPET_SERVICE_ENDPOINT: endpoint,
    })), { logger: createLogger({ level: process.env.DEBUG_RECONNECT ? 'debug' : 'silent' }) })
    cleanup.unshift(() => app.stop())
    world.login()
    await waitFor(() => app.channel.isLoggedIn())
    world.ask(world.alice, '我的快递到哪了')
    const suggestion = await waitFor(async () => (await app.suggestions.list({ status: 'pending' }))[0])

    await server.stop()
    await waitFor(() => app.channel.status().state === 'offline')
    const health = await callApi<{ status: string; channel: { state: string; lastError: string } }>(app.url, 'GET', '/api/health')
    expect(health.body).toMatchObject({ status: 'degraded', channel: { state: 'offline', lastError: expect.any(String) } })
    const res = await callApi<{ status: string }>(app.url, 'POST', `/api/suggestions/${suggestion.id}/send`)
    expect(res).toMatchObject({ status: 202, body: { status: 'sending' } })

    // The service comes back on the same endpoint, with the account still logged in on its side.
    server = new PuppetServer({ endpoint, puppet: world.puppet, token: SERVICE_TOKEN })
    await server.start()
    await waitFor(() => app.channel.status().state === 'online', { timeoutMs: 30_000 })
    // A send right after the reconnect may fail and be retried with backoff (5 s, 10 s): allow for that.
    await waitFor(() => world.said.length === 1, { timeoutMs: 60_000 })
    expect(world.said[0]).toMatch(/^@张三\s张三您好/u)
    // The group has the reply before the send call returns; the suggestion follows a moment later.
    await waitFor(async () => (await app.suggestions.get(suggestion.id)).status === 'sent')
    expect(app.channel.status().reconnectAttempts).toBe(0)

    // Messages flow again after the reconnect.
    world.ask(world.bob, '怎么开发票')
    await waitFor(async () => (await app.suggestions.list({ status: 'pending' })).find((s) => s.memberName === '李四'), { timeoutMs: 30_000 })
    expect(world.said).toHaveLength(1)
  }, 150_000)
})
