import fs from 'node:fs/promises'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { Suggestion } from '../../src/suggestions/suggestion.js'
import { makeWorkdir, startTestApp, useRules, waitFor, type TestApp } from './test-context.js'

let t: TestApp | undefined
afterEach(async () => {
  await t?.stop()
  t = undefined
})

const tagsOf = async (app: TestApp['app'], memberId: string) =>
  (await app.directory.get(memberId)).memberships[0]?.tags.map((tag) => tag.tag).sort() ?? []

describe('member tagging end to end through the mock puppet', () => {
  it('welcomes a customer who joins the group: 新成员 tag, lifecycle, and a welcome an agent sends with one click', async () => {
    const work = await makeWorkdir()
    await useRules(work, 'lifecycle-actions')
    t = await startTestApp(work)
    await waitFor(async () => (await t!.app.members.group(t!.world.room.id)).length === 2)

    const carol = t.world.mocker.createContact({ name: '王五' })
    t.world.room.add(carol).by(t.world.alice)
    const welcome = await waitFor(async () => (await t!.app.suggestions.list()).find((s) => s.kind === 'outreach'))
    expect(welcome).toMatchObject({ memberId: carol.id, memberName: '王五', status: 'pending', text: '王五，欢迎加入！有问题随时@我。' })
    expect(await tagsOf(t.app, carol.id)).toEqual(['新成员'])
    expect((await t.app.directory.get(carol.id)).memberships[0]?.lifecycle).toBe('新成员')
    // The members who were there before QunDesk (estimated join times) get no welcome.
    expect((await t.app.suggestions.list()).filter((s) => s.kind === 'outreach')).toHaveLength(1)
    expect(t.world.said).toEqual([])

    const sent = await t.api<Suggestion>('POST', `/api/suggestions/${welcome.id}/send`, {})
    expect(sent.status).toBe(200)
    await waitFor(() => t!.world.said.some((s) => s.includes('王五，欢迎加入！')))
    const audit = await t.app.db.selectFrom('audit_log').select('action').where('subject_id', '=', String(welcome.id)).execute()
    expect(audit.map((a) => a.action)).toEqual(['suggestion.sent'])
  })

  it('re-tags a member after they speak in the group (incremental), without waiting for the schedule', async () => {
    const work = await makeWorkdir()
    await useRules(work, 'lifecycle-actions')
    t = await startTestApp(work)
    await waitFor(async () => (await t!.app.members.group(t!.world.room.id)).length === 2)
    for (const text of ['今天天气不错', '大家好', '有人在吗']) t.world.bob.say(text).to(t.world.room)
    await waitFor(async () => (await tagsOf(t!.app, t!.world.bob.id)).includes('活跃'))
    expect((await t.app.directory.get(t.world.bob.id)).memberships[0]?.lifecycle).toBe('活跃')
    expect(await tagsOf(t.app, t.world.alice.id)).toEqual([])
  })

  it('applies an edited rules file without a restart, and keeps the last good rules when an edit is broken', async () => {
    const work = await makeWorkdir()
    const rulesDir = await useRules(work, 'lifecycle-actions')
    t = await startTestApp(work)
    await waitFor(async () => (await t!.app.members.group(t!.world.room.id)).length === 2)
    const file = path.join(rulesDir, 'rules.yaml')
    const original = await fs.readFile(file, 'utf8')
    await fs.writeFile(file, original.replace('tags:\n', 'tags:\n  - id: 全体成员\n    when: in_group\n'))
    await waitFor(async () => (await tagsOf(t!.app, t!.world.alice.id)).includes('全体成员'), { timeoutMs: 15_000 })

    await fs.writeFile(file, original.replace('tags:\n', 'tags:\n  - id: 坏规则\n    when: mesages_30d > 0\n'))
    await new Promise((resolve) => setTimeout(resolve, 1000))
    expect(t.app.tagging.rules()?.tags.map((r) => r.id)).toContain('全体成员')
    expect(await tagsOf(t.app, t.world.alice.id)).toContain('全体成员')
  })

  it('refuses to start with broken rules, naming the file and line', async () => {
    const work = await makeWorkdir()
    await useRules(work, 'unknown-metric')
    await expect(startTestApp(work)).rejects.toThrow(/^标签规则 \S+ 有问题：\n(.*\n)*\S*lifecycle\.yaml:\d+: tags\[2\]\.when: 不认识的指标 "mesages_30d"（第 1 列） — 你是不是想写 “messages_30d”？/)
  })
})
