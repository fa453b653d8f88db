import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
// bench/scale-account's harness (plain JS importing ../dist: `npm run build` first, as `npm test` does).
import { accountWorld, addExample, startAccountBot, storedData, writeGeneratedKnowledge } from '../../bench/support/account-world.js'
import { onPostgres } from '../support/test-database.js'
import { waitFor } from './test-context.js'

const GROUPS = 20
const MEMBERS = 10
const INTENTS = 30

let cleanup: Array<() => Promise<unknown> | unknown> = []
afterEach(async () => {
  for (const c of cleanup.reverse()) await Promise.resolve().then(c).catch(() => undefined)
  cleanup = []
})

// The harness runs QunDesk on its own SQLite file; the PostgreSQL pass would only run the same test again.
describe.skipIf(onPostgres())('bench/scale-account at a small size (behaviour, not timing)', () => {
  it('syncs every member of every group, stores each question once, and drops none across a hot reload', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qundesk-scale-account-test-'))
    cleanup.push(() => fs.rmSync(dir, { recursive: true, force: true }))
    const knowledgeDir = path.join(dir, 'knowledge')
    const { files, queries } = writeGeneratedKnowledge(knowledgeDir, INTENTS, 10)
    const world = await accountWorld({ groups: GROUPS, members: MEMBERS, token: 'insecure_qundesk-scale-account-test', question: (i) => queries[i % queries.length]!.text })
    cleanup.push(() => world.stop())
    // No tagging rules: this is about the sync and the queue.
    const bot = await startAccountBot(world, { dir, knowledgeDir, rulesDir: path.join(dir, 'rules') })
    cleanup.push(() => bot.stop())
    await bot.ready(60_000)
    const stored = storedData(bot.databaseFile)
    cleanup.push(() => stored.close())

    // Member sync: every customer of every group, with the group's and the member's names.
    await waitFor(() => stored.members() === GROUPS * MEMBERS, { timeoutMs: 30_000 })
    const rows = stored.memberRows()
    expect(new Set(rows.map((r) => `${r.group_id}/${r.member_id}`)).size).toBe(GROUPS * MEMBERS)
    for (let g = 0; g < GROUPS; g++) {
      for (let m = 0; m < MEMBERS; m++) {
        expect(rows).toContainEqual({ group_id: `g${g}@chatroom`, member_id: `c${g}-${m}`, member_name: `客户${g + 1}-${m + 1}`, group_name: `客户群${g + 1}` })
      }
    }

    // A burst over every group: each question stored as one suggestion.
    world.burst(GROUPS * 2)
    await waitFor(() => stored.suggestions() >= GROUPS * 2, { timeoutMs: 30_000 })
    const afterBurst = stored.storedAt()
    expect(world.askedAt.size).toBe(GROUPS * 2)
    for (const id of world.askedAt.keys()) expect(afterBurst.get(id)?.count).toBe(1)

    // A knowledge edit while questions keep arriving: a new version, nothing dropped, nothing stored twice.
    const before = (await bot.health())!.knowledge.version
    const driving = world.drive(3, 10)
    await new Promise((r) => setTimeout(r, 500))
    addExample(files[0]!, '订单的地址改一下可以吗')
    await waitFor(async () => ((await bot.health())?.knowledge.version ?? 0) > before, { timeoutMs: 30_000 })
    await driving
    const asked = world.asked
    expect(asked).toBe(GROUPS * 2 + 30)
    await waitFor(() => stored.suggestions() >= asked, { timeoutMs: 30_000 })
    await new Promise((r) => setTimeout(r, 300))
    const all = stored.storedAt()
    expect(all.size).toBe(asked)
    for (const id of world.askedAt.keys()) expect(all.get(id)?.count).toBe(1)
    expect((await bot.health())!.intents).toBe(INTENTS)
  })
})
