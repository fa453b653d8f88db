import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadConfig, parseTrustProxy } from '../../../src/config/load-config.js'
import { QunDeskError } from '../../../src/core/errors.js'

const cwd = '/srv/qundesk'

describe('loadConfig', () => {
  it('defaults to the demo: mock puppet, simulated customers, ./data, ./knowledge, 127.0.0.1:3000', () => {
    const config = loadConfig({}, cwd)
    expect(config).toMatchObject({
      dataDir: path.join(cwd, 'data'), databaseFile: path.join(cwd, 'data', 'qundesk.sqlite'),
      knowledgeDir: path.join(cwd, 'knowledge'), rulesDir: path.join(cwd, 'rules'),
      host: '127.0.0.1', port: 3000, puppet: { kind: 'mock' },
      demo: { enabled: true, simulateCustomers: true, intervalSeconds: 20 }, botName: '客服助手',
    })
    expect(config.apiToken).toBeUndefined()
    expect(Object.isFrozen(config)).toBe(true)
  })

  it('turns the simulated customers off with QUNDESK_DEMO=0 but stays on the mock puppet', () => {
    expect(loadConfig({ QUNDESK_DEMO: '0' }, cwd).demo).toEqual({ enabled: true, simulateCustomers: false, intervalSeconds: 20 })
  })

  it.each(['0.0.0.0', '::', '10.0.0.5', 'qundesk.example.com'])('refuses the demo on %s (reachable from other machines) and says how to give it an account', (host) => {
    const refused = (() => { try { loadConfig({ QUNDESK_HOST: host }, cwd); return undefined } catch (error) { return error } })()
    expect(refused).toBeInstanceOf(QunDeskError)
    expect((refused as QunDeskError).message).toMatch(/WECHATY_PUPPET=wechaty-puppet-service.*QUNDESK_HOST=127\.0\.0\.1/)
    expect(loadConfig({ QUNDESK_HOST: host, QUNDESK_DEMO_PUBLIC: '1' }, cwd).demo.enabled).toBe(true)
    expect(loadConfig({ QUNDESK_HOST: host, WECHATY_PUPPET: 'wechaty-puppet-service', WECHATY_PUPPET_SERVICE_TOKEN: 't' }, cwd).host).toBe(host)
  })

  it.each(['127.0.0.1', '127.8.9.10', 'localhost', '::1', '[::1]'])('runs the demo on the loopback address %s', (host) => {
    expect(loadConfig({ QUNDESK_HOST: host }, cwd).demo.enabled).toBe(true)
  })

  it("refuses the Docker image's own defaults (0.0.0.0, no account) instead of serving a public demo", async () => {
    const dockerfile = await import('node:fs').then((fs) => fs.readFileSync(path.resolve(import.meta.dirname, '../../../Dockerfile'), 'utf8'))
    const env = Object.fromEntries([...dockerfile.matchAll(/^\s*(QUNDESK_\w+)=(\S+?)\s*\\?$/gm)].map((m) => [m[1]!, m[2]!]))
    expect(env.QUNDESK_HOST).toBe('0.0.0.0')
    expect(() => loadConfig(env, cwd)).toThrow(/WECHATY_PUPPET=wechaty-puppet-service/)
  })

  it('selects the puppet service with its token and endpoint, and leaves demo mode', () => {
    const config = loadConfig({ WECHATY_PUPPET: 'wechaty-puppet-service', WECHATY_PUPPET_SERVICE_TOKEN: 'puppet_xyz', WECHATY_PUPPET_SERVICE_ENDPOINT: '10.0.0.5:8788' }, cwd)
    expect(config.puppet).toEqual({ kind: 'service', token: 'puppet_xyz', endpoint: '10.0.0.5:8788' })
    expect(config.demo.enabled).toBe(false)
  })

  it.each([
    [{ QUNDESK_PORT: 'abc' }, 'QUNDESK_PORT'],
    [{ QUNDESK_PORT: '70000' }, 'QUNDESK_PORT'],
    [{ QUNDESK_API_TOKEN: 'short' }, 'QUNDESK_API_TOKEN'],
    [{ WECHATY_PUPPET: 'wechaty-puppet-service' }, 'WECHATY_PUPPET_SERVICE_TOKEN'],
    [{ WECHATY_PUPPET: 'wechaty-puppet-xyz' }, 'WECHATY_PUPPET="wechaty-puppet-xyz"'],
    [{ WECHATY_PUPPET: 'wechaty-puppet-service', WECHATY_PUPPET_SERVICE_TOKEN: 't', WECHATY_PUPPET_SERVICE_ENDPOINT: 'http://x' }, 'WECHATY_PUPPET_SERVICE_ENDPOINT'],
    [{ QUNDESK_DEMO: 'yes' }, 'QUNDESK_DEMO'],
    [{ QUNDESK_LOG_LEVEL: 'loud' }, 'QUNDESK_LOG_LEVEL'],
  ])('rejects %j naming %s and the fix', (env, name) => {
    let error: unknown
    try {
      loadConfig(env, cwd)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(QunDeskError)
    expect((error as QunDeskError).code).toBe('config_invalid')
    expect((error as Error).message).toContain(name)
  })

  it('reports every problem at once', () => {
    expect(() => loadConfig({ QUNDESK_PORT: 'x', QUNDESK_API_TOKEN: 'y' }, cwd)).toThrow(/QUNDESK_PORT[\s\S]*QUNDESK_API_TOKEN/)
  })
})

describe('WeCom official settings', () => {
  const KEY = 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C'

  it('are all off by default, and the corp id alone (the sidebar) turns no callback on', () => {
    expect(loadConfig({}).wecomOfficial).toEqual({})
    expect(loadConfig({ QUNDESK_WECOM_CORP_ID: 'wx5823bf96d3bd56c7' }).wecomOfficial).toEqual({})
  })

  it('turns each part on when its settings are complete, with the official API as the default base URL', () => {
    const config = loadConfig({
      QUNDESK_WECOM_CORP_ID: 'wx5823bf96d3bd56c7', QUNDESK_WECOM_CALLBACK_TOKEN: 'QDG6eK', QUNDESK_WECOM_ENCODING_AES_KEY: KEY,
      QUNDESK_WECOM_AIBOT_TOKEN: 'bot', QUNDESK_WECOM_AIBOT_ENCODING_AES_KEY: KEY, QUNDESK_WECOM_SECRET: 's3cret', QUNDESK_WECOM_WEBHOOK_KEY: 'hook',
    })
    expect(config.wecomOfficial).toEqual({
      callback: { token: 'QDG6eK', encodingAesKey: KEY, corpId: 'wx5823bf96d3bd56c7' },
      aibot: { token: 'bot', encodingAesKey: KEY },
      api: { corpId: 'wx5823bf96d3bd56c7', secret: 's3cret', baseUrl: 'https://qyapi.weixin.qq.com' },
      webhook: { key: 'hook', baseUrl: 'https://qyapi.weixin.qq.com' },
    })
  })

  it('refuses half a configuration and a malformed EncodingAESKey, naming what is missing', () => {
    expect(() => loadConfig({ QUNDESK_WECOM_CALLBACK_TOKEN: 'QDG6eK' })).toThrow(/missing QUNDESK_WECOM_ENCODING_AES_KEY/)
    expect(() => loadConfig({ QUNDESK_WECOM_CALLBACK_TOKEN: 'QDG6eK', QUNDESK_WECOM_ENCODING_AES_KEY: KEY })).toThrow(/needs QUNDESK_WECOM_CORP_ID/)
    expect(() => loadConfig({ QUNDESK_WECOM_AIBOT_TOKEN: 'b', QUNDESK_WECOM_AIBOT_ENCODING_AES_KEY: 'short' })).toThrow(/43-character EncodingAESKey/)
    expect(() => loadConfig({ QUNDESK_WECOM_SECRET: 's' })).toThrow(/needs QUNDESK_WECOM_CORP_ID/)
    expect(() => loadConfig({ QUNDESK_WECOM_WEBHOOK_KEY: 'k', QUNDESK_WECOM_API_BASE: 'not a url' })).toThrow(/must be a base URL/)
  })
})

describe('database and instance settings', () => {
  it('uses the SQLite file and the instance "default" unless told otherwise', () => {
    const config = loadConfig({}, cwd)
    expect(config.databaseUrl).toBeUndefined()
    expect(config.instanceId).toBe('default')
  })

  it('keeps the database markers in QUNDESK_STATE_DIR, else XDG_STATE_HOME/qundesk, else ~/.local/state/qundesk', () => {
    expect(loadConfig({ HOME: '/home/kf' }, cwd).stateDir).toBe('/home/kf/.local/state/qundesk')
    expect(loadConfig({ HOME: '/home/kf', XDG_STATE_HOME: '/var/state' }, cwd).stateDir).toBe('/var/state/qundesk')
    expect(loadConfig({ HOME: '/home/kf', QUNDESK_STATE_DIR: 'state' }, cwd).stateDir).toBe(path.join(cwd, 'state'))
    // A fresh database where one existed is a deliberate flag of qundesk start, never a setting left on.
    expect(loadConfig({ QUNDESK_NEW_DATABASE: '1' }, cwd).newDatabase).toBe(false)
  })

  it('takes a PostgreSQL URL and an instance id', () => {
    const config = loadConfig({ QUNDESK_DATABASE_URL: 'postgresql://qd:pw@db.internal:5432/qundesk', QUNDESK_INSTANCE_ID: 'sales-1' }, cwd)
    expect(config).toMatchObject({ databaseUrl: 'postgresql://qd:pw@db.internal:5432/qundesk', instanceId: 'sales-1' })
  })

  it('refuses another kind of URL without repeating its password, and an instance id with spaces', () => {
    let error: QunDeskError | undefined
    try {
      loadConfig({ QUNDESK_DATABASE_URL: 'mysql://root:hunter2secret@db/qundesk', QUNDESK_INSTANCE_ID: 'sales 1' }, cwd)
    } catch (e) {
      error = e as QunDeskError
    }
    expect(error?.message).toContain('QUNDESK_DATABASE_URL must be a PostgreSQL URL')
    expect(error?.message).toContain('QUNDESK_INSTANCE_ID="sales 1"')
    expect(error?.message).not.toContain('hunter2secret')
  })
})

describe('QUNDESK_TRUST_PROXY', () => {
  it('is off by default and for 0/false', () => {
    expect(loadConfig({}).trustProxy).toBe(false)
    expect(parseTrustProxy('0')).toEqual({ value: false })
    expect(parseTrustProxy('false')).toEqual({ value: false })
  })

  it('reads 1 and true as one proxy hop, never as "trust every hop" (a client could choose its address)', () => {
    expect(parseTrustProxy('1')).toEqual({ value: 1 })
    expect(parseTrustProxy('true')).toEqual({ value: 1 })
    expect(parseTrustProxy('2')).toEqual({ value: 2 })
  })

  it("takes the proxies' addresses and CIDRs, IPv4 and IPv6", () => {
    expect(parseTrustProxy('10.0.0.0/8, 127.0.0.1,::1,fd00::/8')).toEqual({ value: ['10.0.0.0/8', '127.0.0.1', '::1', 'fd00::/8'] })
  })

  it('refuses what is neither, naming the bad entries', () => {
    expect(parseTrustProxy('10.0.0.0/33')).toEqual({ problem: expect.stringContaining('10.0.0.0/33') })
    expect(parseTrustProxy('proxy.local,127.0.0.1')).toEqual({ problem: expect.stringContaining('proxy.local') })
    expect(parseTrustProxy('99')).toEqual({ problem: expect.stringContaining('at most 10') })
    expect(() => loadConfig({ QUNDESK_TRUST_PROXY: 'yes' })).toThrow(/QUNDESK_TRUST_PROXY/)
  })
})
