import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createResponseUrlPoster } from '../../../../src/channels/wecom/response-url.js'
import { startFakeWecom, type FakeWecom } from '../../../support/fake-wecom-server.js'
import { captureLog, rejection } from '../../../support/wecom-test-kit.js'

const RESPONSE = '/cgi-bin/aibot/response'
const CODE = 'one-time-code-5d1e77'

let wecom: FakeWecom
let log: ReturnType<typeof captureLog>
let sleeps: number[]

beforeEach(async () => {
  wecom = await startFakeWecom({ corpId: 'ww-test', secret: 'unused' })
  log = captureLog()
  sleeps = []
})

afterEach(async () => {
  await wecom.close()
})

const poster = () => createResponseUrlPoster({ logger: log.logger, sleep: async (ms) => { sleeps.push(ms) }, random: () => 0.5 })
const message = { msgtype: 'markdown', markdown: { content: '**已收到**，客服稍后回复您' } } as const

describe('createResponseUrlPoster', () => {
  it('posts the reply once; a second use is refused with an explained error, not retried', async () => {
    const respond = poster()
    const url = wecom.state.responseUrl(CODE)
    await respond(url, message)
    const error = await rejection(respond(url, { msgtype: 'text', text: { content: '再来一次' } }))
    expect(error.code).toBe('bad_request')
    expect(error.message).toContain('40058')
    expect(wecom.state.responsePosts).toEqual([
      { id: CODE, body: message, accepted: true },
      { id: CODE, body: { msgtype: 'text', text: { content: '再来一次' } }, accepted: false },
    ])
    expect(sleeps).toEqual([])
  })

  it('retries HTTP 5xx and errcode -1 (WeCom did not act on them)', async () => {
    wecom.state.failNext(1, '500', { path: RESPONSE })
    wecom.state.failNext(1, 'busy', { path: RESPONSE })
    await poster()(wecom.state.responseUrl(CODE), message)
    expect(wecom.state.responsePosts).toEqual([{ id: CODE, body: message, accepted: true }])
    expect(sleeps).toHaveLength(2)
  })

  it('does not resend after a dropped connection (WeCom may have used the URL)', async () => {
    wecom.state.failNext(1, 'network', { path: RESPONSE })
    const error = await rejection(poster()(wecom.state.responseUrl(CODE), message))
    expect(error.code).toBe('channel_unavailable')
    expect(wecom.state.requests.filter((r) => r.path === RESPONSE)).toHaveLength(1)
    expect(sleeps).toEqual([])
  })

  it('retries when the connection is refused (nothing was sent)', async () => {
    const server = createServer()
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const { port } = server.address() as AddressInfo
    await new Promise((resolve) => server.close(resolve))
    const error = await rejection(poster()(`http://127.0.0.1:${port}${RESPONSE}?response_code=${CODE}`, message))
    expect(error.code).toBe('channel_unavailable')
    expect(error.message).toContain('尝试 3 次')
    expect(sleeps).toHaveLength(2)
  })

  it('refuses something that is not a URL', async () => {
    expect((await rejection(poster()('not a url', message))).code).toBe('bad_request')
    expect((await rejection(poster()('ftp://example.com/x', message))).code).toBe('bad_request')
  })

  it('never logs the one-time response code', async () => {
    const respond = poster()
    const url = wecom.state.responseUrl(CODE)
    wecom.state.failNext(1, '500', { path: RESPONSE })
    await respond(url, message)
    await rejection(respond(url, message))
    const output = log.raw.join('')
    expect(log.raw.length).toBeGreaterThan(2)
    expect(output).not.toContain(CODE)
    expect(output).toContain(RESPONSE)
  })
})
