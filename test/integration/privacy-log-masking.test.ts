import { afterEach, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config/load-config.js'
import { startQunDesk, type QunDesk } from '../../src/main.js'
import { failWritesTo } from '../support/db-faults.js'
import { captureLog } from '../support/wecom-test-kit.js'
import { createMockWorld, makeWorkdir, testEnv, waitFor } from './test-context.js'

const PHONE = '13812345678'
const ORDER = 'DD20261123001'

let app: QunDesk | undefined
afterEach(async () => {
  await app?.stop()
  app = undefined
})

describe('log masking in the running app', () => {
  it('never writes a customer phone number or order id to the log, even when an error quotes the message', async () => {
    const log = captureLog()
    const world = createMockWorld()
    app = await startQunDesk(loadConfig(testEnv(await makeWorkdir(), { QUNDESK_LOG_LEVEL: 'trace' })), { puppet: world.puppet, logger: log.logger })
    world.login()
    await waitFor(() => app!.channel.isLoggedIn())
    // A database error that quotes the row it refused (as constraint and driver errors can): the text reaches the log.
    await failWritesTo(app.db, { table: 'suggestions', message: 'suggestion refused for: ', quote: 'question' })

    world.ask(world.alice, `我的快递到哪了 电话 ${PHONE}，订单号 ${ORDER}`)
    await waitFor(() => log.raw.some((line) => line.includes('handling a message failed')))

    const all = log.raw.join('')
    expect(all).not.toContain(PHONE)
    expect(all).not.toContain(ORDER)
    // The message did reach the log, masked: this test would see a leak.
    const failure = log.lines().find((l) => l.msg === 'handling a message failed') as { err: { message: string } }
    expect(failure.err.message).toBe('suggestion refused for: 我的快递到哪了 电话 138****5678，订单号 DD****01')
    // The stored failure keeps the detail for the operator (it is purged with the message's content).
    // (The failure is logged before it is recorded on the message.)
    const stored = await waitFor(() => app!.db.selectFrom('messages').select('error').where('status', '=', 'failed').executeTakeFirst())
    expect(stored.error).toContain(PHONE)
  })
})
