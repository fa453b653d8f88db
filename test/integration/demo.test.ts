import fs from 'node:fs/promises'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config/load-config.js'
import { createLogger } from '../../src/core/logger.js'
import { startQunDesk, type QunDesk } from '../../src/main.js'
import { makeWorkdir, testEnv, waitFor } from './test-context.js'

let app: QunDesk | undefined
afterEach(async () => {
  await app?.stop()
  app = undefined
})

describe('demo mode (npm start without a puppet)', () => {
  it('answers the simulated customers, and welcomes the newcomer through the queue with the shipped rules', { timeout: 40_000 }, async () => {
    const work = await makeWorkdir('../../knowledge')
    await fs.cp(path.join(import.meta.dirname, '../../rules'), path.join(work.dir, 'rules'), { recursive: true })
    app = await startQunDesk(loadConfig(testEnv(work, { QUNDESK_DEMO_INTERVAL_SECONDS: '600' })), { logger: createLogger({ level: 'silent' }) })
    expect(app.demo).toBeDefined()
    expect(app.demoAdmin?.name).toBe('admin')

    const answer = await waitFor(async () => (await app!.suggestions.list()).find((s) => s.kind === 'answer' || s.kind === 'needs_human'), { timeoutMs: 20_000 })
    expect(answer.groupName).toBe('演示客户群')
    const welcome = await waitFor(async () => (await app!.suggestions.list()).find((s) => s.kind === 'outreach'), { timeoutMs: 20_000 })
    expect(welcome).toMatchObject({ memberName: '新客户小林', status: 'pending', text: '新客户小林，欢迎加入！有问题随时@我。' })
    // The five customers who were there at start have estimated join times: no welcome for them.
    expect((await app.suggestions.list()).filter((s) => s.kind === 'outreach')).toHaveLength(1)
    const member = await app.directory.get(welcome.memberId)
    expect(member.memberships[0]).toMatchObject({ lifecycle: '新成员', joinedAtEstimated: false })
  })
})
