import fs from 'node:fs'
import { describe, expect, it } from 'vitest'
import { openDb } from '../../src/storage/create-db.js'
import { loadConfig } from '../../src/config/load-config.js'
import { createLogger } from '../../src/core/logger.js'
import { onPostgres } from '../support/test-database.js'
import { makeWorkdir, startTestApp, testEnv, waitFor } from './test-context.js'
import path from 'node:path'

describe('restarts', () => {
  it('starts (tagging off: no rules folder) and stops cleanly: nothing logged as a warning or an error, and on SQLite the database is one file again', async () => {
    const lines: Array<{ level: number; msg: string }> = []
    const logger = createLogger({ level: 'info', destination: { write: (line: string) => void lines.push(JSON.parse(line) as { level: number; msg: string }) } })
    const work = await makeWorkdir()
    const t = await startTestApp(work, { logger })
    t.world.ask(t.world.alice, '我的快递到哪了')
    const pending = await waitFor(async () => (await t.app.suggestions.list({ status: 'pending' }))[0])
    expect((await t.api('POST', `/api/suggestions/${pending.id}/send`)).status).toBe(200)
    await t.stop()
    expect(lines.filter((l) => l.level >= 40).map((l) => l.msg)).toEqual([])
    if (!onPostgres()) {
      const wal = path.join(work.dataDir, 'qundesk.sqlite-wal')
      expect(fs.existsSync(wal) ? fs.statSync(wal).size : 0).toBe(0)
    }
  })

  it('keeps pending suggestions across a restart', async () => {
    const work = await makeWorkdir()
    const first = await startTestApp(work)
    first.world.ask(first.world.alice, '我的快递到哪了')
    const pending = await waitFor(async () => (await first.app.suggestions.list({ status: 'pending' }))[0])
    await first.stop()

    const second = await startTestApp(work)
    try {
      const { body } = await second.api<Array<{ id: number; question: string; status: string }>>('GET', '/api/suggestions?status=pending')
      expect(body).toEqual([expect.objectContaining({ id: pending.id, question: '我的快递到哪了', status: 'pending' })])
    } finally {
      await second.stop()
    }
  })

  it('handles on start a message that was stored but never handled, exactly once', async () => {
    const work = await makeWorkdir()
    const db = await openDb(loadConfig(testEnv(work)))
    await db.insertInto('messages').values({
      id: 'wechaty:lost-1', channel: 'wechaty', group_id: 'r1@chatroom', group_name: '老客户群', sender_id: 'c1', sender_name: '王五',
      text: '@客服助手 能开发票吗', question: '能开发票吗', mentions_bot: 1, from_self: 0,
      sent_at: new Date().toISOString(), received_at: new Date().toISOString(), status: 'received',
    }).execute()
    await db.destroy()

    for (let run = 0; run < 2; run++) {
      const app = await startTestApp(work)
      try {
        const list = await app.app.suggestions.list()
        expect(list).toEqual([expect.objectContaining({ messageId: 'wechaty:lost-1', intentId: 'invoice.issue', memberName: '王五' })])
      } finally {
        await app.stop()
      }
    }
  })

  it('marks a suggestion failed with a visible error when its group is unknown to the account', async () => {
    const work = await makeWorkdir()
    const first = await startTestApp(work)
    first.world.ask(first.world.alice, '我的快递到哪了')
    const pending = await waitFor(async () => (await first.app.suggestions.list({ status: 'pending' }))[0])
    await first.stop()

    // A new mock world: the old group does not exist for this account.
    const second = await startTestApp(work)
    try {
      const res = await second.api<{ error: string; message: string }>('POST', `/api/suggestions/${pending.id}/send`)
      expect(res.status).toBe(502)
      expect(res.body.error).toBe('unknown_group')
      expect(await second.app.suggestions.get(pending.id)).toMatchObject({ status: 'failed', lastError: expect.stringContaining('找不到群') })
    } finally {
      await second.stop()
    }
  })
})
