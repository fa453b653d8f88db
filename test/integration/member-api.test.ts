import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { MemberSummary } from '../../src/core/member.js'
import type { MemberDetail } from '../../src/members/member-directory.js'
import { login, type ConsoleSession } from './console-session.js'
import { makeWorkdir, startTestApp, useRules, waitFor, type TestApp } from './test-context.js'

const PASSWORD = '坐席密码-0123456789'
const OLD_GROUP = { groupId: 'g2@chatroom', groupName: '老客户群' }
const DAY_MS = 86_400_000

type Page = { total: number; members: MemberSummary[] }

let t: TestApp
let agent: ConsoleSession
let admin: ConsoleSession

/**
 * The mock room's 张三 and 李四 (synced at start: estimated joins, so 新成员), plus a second group with 王老五 (joined
 * 40 days ago, never spoke: 沉默) and 赵小六 (joined yesterday: 新成员), all tagged by the 'valid' rules fixture.
 */
beforeEach(async () => {
  const work = await makeWorkdir()
  await useRules(work, 'valid')
  t = await startTestApp(work)
  await waitFor(async () => (await t.app.members.group(t.world.room.id)).length === 2)
  // A re-tag run evaluates as of its start: one still running from the sync would see 王老五 at 39.99 days.
  await t.app.tagging.idle()
  const now = Date.now()
  await t.app.members.record({ kind: 'join', channel: 'wechaty', ...OLD_GROUP, members: [{ id: 'wxid_old', name: '王老五' }], at: new Date(now - 40 * DAY_MS) })
  await t.app.members.record({ kind: 'join', channel: 'wechaty', ...OLD_GROUP, members: [{ id: 'wxid_new', name: '赵小六' }], at: new Date(now - DAY_MS) })
  await t.app.tagging.retagAll()
  await t.app.tagging.idle()
  await t.app.auth.addUser({ name: '小王', role: 'agent', password: PASSWORD, actor: 'test' })
  await t.app.auth.addUser({ name: '老板', role: 'admin', password: PASSWORD, actor: 'test' })
  agent = (await login(t.app.url, '小王', PASSWORD)).session!
  admin = (await login(t.app.url, '老板', PASSWORD)).session!
})
afterEach(async () => t?.stop())

const names = (page: Page) => page.members.map((m) => m.memberName).sort()

describe('member API', () => {
  it('lists members filtered by tag, lifecycle, group and search, with paging', async () => {
    const silent = await t.api<Page>('GET', `/api/members?tag=${encodeURIComponent('沉默')}`)
    expect(silent.status).toBe(200)
    expect(silent.body.total).toBe(1)
    expect(silent.body.members[0]).toMatchObject({ memberId: 'wxid_old', memberName: '王老五', groupName: '老客户群', lifecycle: '沉默', joinedAtEstimated: false, leftAt: null })
    expect(silent.body.members[0]!.tags).toEqual([expect.objectContaining({ tag: '沉默', source: 'rule', addedBy: expect.stringMatching(/^activity\.yaml:\d+$/) })])

    expect(names((await t.api<Page>('GET', `/api/members?lifecycle=${encodeURIComponent('新成员')}`)).body)).toEqual(['张三', '李四', '赵小六'].sort())
    expect(names((await t.api<Page>('GET', `/api/members?groupId=${encodeURIComponent(OLD_GROUP.groupId)}`)).body)).toEqual(['王老五', '赵小六'].sort())
    expect(names((await t.api<Page>('GET', `/api/members?q=${encodeURIComponent('老五')}`)).body)).toEqual(['王老五'])
    expect(names((await t.api<Page>('GET', '/api/members?q=wxid_new')).body)).toEqual(['赵小六'])
    // Empty filters (as a form sends them) mean "no filter".
    expect((await t.api<Page>('GET', '/api/members?tag=&lifecycle=&groupId=&q=')).body.total).toBe(4)

    const first = await t.api<Page>('GET', '/api/members?limit=3&offset=0')
    const rest = await t.api<Page>('GET', '/api/members?limit=3&offset=3')
    expect([first.body.total, first.body.members.length, rest.body.members.length]).toEqual([4, 3, 1])
  })

  it('shows one member: memberships with tags and metrics, the tag history with what the rule saw', async () => {
    const res = await t.api<MemberDetail>('GET', '/api/members/wxid_old')
    expect(res.status).toBe(200)
    const [membership] = res.body.memberships
    expect(membership).toMatchObject({ groupId: OLD_GROUP.groupId, lifecycle: '沉默', tags: [expect.objectContaining({ tag: '沉默', source: 'rule' })] })
    expect(membership!.metrics).toMatchObject({ join_age_days: 40, messages_30d: 0, in_group: true, monthly_spend: null })
    expect(res.body.history).toEqual([expect.objectContaining({
      groupId: OLD_GROUP.groupId, tag: '沉默', change: 'added', source: 'rule', by: expect.stringMatching(/^activity\.yaml:\d+$/),
      seen: expect.objectContaining({ messages_30d: 0, join_age_days: 40 }),
    })])
    expect(res.body.attributes).toBeNull()
  })

  it('adds and removes manual tags as the logged-in agent, audited; rule tags stay with the rules', async () => {
    const path = '/api/members/wxid_old/tags'
    const added = await agent.call<MemberDetail>('POST', path, { groupId: OLD_GROUP.groupId, tag: '老客户' })
    expect(added.status).toBe(200)
    expect(added.body.memberships[0]!.tags).toEqual([
      expect.objectContaining({ tag: '沉默', source: 'rule' }),
      expect.objectContaining({ tag: '老客户', source: 'manual', addedBy: '小王' }),
    ])
    expect(added.body.history[0]).toMatchObject({ tag: '老客户', change: 'added', source: 'manual', by: '小王', seen: null })
    expect(names((await t.api<Page>('GET', `/api/members?tag=${encodeURIComponent('老客户')}`)).body)).toEqual(['王老五'])

    const ruleTag = await agent.call<{ error: string; message: string }>('POST', path, { groupId: OLD_GROUP.groupId, tag: '新成员' })
    expect(ruleTag.status).toBe(409)
    expect(ruleTag.body.message).toContain('规则标签')
    expect((await agent.call('POST', path, { groupId: OLD_GROUP.groupId, tag: '老客户' })).status).toBe(409)
    // Not a member of that group: no orphan tag.
    expect((await agent.call('POST', path, { groupId: t.world.room.id, tag: '老客户' })).status).toBe(404)

    const removeRule = await agent.call<{ message: string }>('DELETE', `${path}/${encodeURIComponent('沉默')}?groupId=${OLD_GROUP.groupId}`)
    expect(removeRule.status).toBe(404)
    expect(removeRule.body.message).toContain('规则标签不能手动移除')
    const removed = await agent.call<MemberDetail>('DELETE', `${path}/${encodeURIComponent('老客户')}?groupId=${OLD_GROUP.groupId}`)
    expect(removed.status).toBe(200)
    expect(removed.body.memberships[0]!.tags.map((x) => x.tag)).toEqual(['沉默'])
    expect(removed.body.history[0]).toMatchObject({ tag: '老客户', change: 'removed', by: '小王' })

    const audit = await admin.call<Array<{ actor: string; action: string; subjectId: string; detail: unknown }>>('GET', '/api/audit?limit=50')
    const tagEntries = audit.body.filter((a) => a.action.startsWith('member.tag_')).map((a) => [a.action, a.actor, a.subjectId, a.detail])
    expect(tagEntries).toEqual([
      ['member.tag_removed', '小王', 'wxid_old', { groupId: OLD_GROUP.groupId, tag: '老客户' }],
      ['member.tag_added', '小王', 'wxid_old', { groupId: OLD_GROUP.groupId, tag: '老客户' }],
    ])
    // Without the CSRF token a session cannot tag.
    expect((await agent.call('POST', path, { groupId: OLD_GROUP.groupId, tag: '黑名单' }, { csrf: null })).status).toBe(403)
  })

  it('strips bidi controls and invisible characters from a manual tag, and refuses one that is nothing else', async () => {
    const path = '/api/members/wxid_old/tags'
    const added = await agent.call<MemberDetail>('POST', path, { groupId: OLD_GROUP.groupId, tag: '\u202E老\u200B客户\uFEFF' })
    expect(added.status).toBe(200)
    expect(added.body.memberships[0]!.tags.map((x) => x.tag)).toContain('老客户')
    // The same tag with other invisible characters is the same tag.
    expect((await agent.call('POST', path, { groupId: OLD_GROUP.groupId, tag: '老客户\u2066' })).status).toBe(409)
    for (const tag of ['\u202E', '\u200B\u200C\u200D', '\u2066\u2069', '\u3164']) {
      expect([tag, (await agent.call('POST', path, { groupId: OLD_GROUP.groupId, tag })).status]).toEqual([tag, 400])
    }
  })

  it('answers 404 for an unknown member', async () => {
    expect((await t.api('GET', '/api/members/nobody')).status).toBe(404)
    expect((await t.api('POST', '/api/members/nobody/tags', { groupId: OLD_GROUP.groupId, tag: '老客户' })).status).toBe(404)
    expect((await t.api('DELETE', `/api/members/nobody/tags/x?groupId=${OLD_GROUP.groupId}`)).status).toBe(404)
  })

  it('refuses bad queries and bodies with 400', async () => {
    for (const url of [
      '/api/members?limit=0', '/api/members?limit=201', '/api/members?limit=abc', '/api/members?offset=-1', `/api/members?q=${'长'.repeat(65)}`,
      `/api/members?tag=${encodeURIComponent('标'.repeat(31))}`, '/api/members?includeLeft=maybe', '/api/tags/distribution?days=0', '/api/tags/distribution?days=400',
    ]) {
      const res = await t.api<{ error: string; message: string }>('GET', url)
      expect([url, res.status, res.body.error]).toEqual([url, 400, 'bad_request'])
      expect(res.body.message).toBeTruthy()
    }
    expect((await t.api('POST', '/api/members/wxid_old/tags', { groupId: OLD_GROUP.groupId })).status).toBe(400)
    expect((await t.api('POST', '/api/members/wxid_old/tags', { groupId: OLD_GROUP.groupId, tag: '有 空格' })).status).toBe(400)
    expect((await t.api('DELETE', '/api/members/wxid_old/tags/x')).status).toBe(400)
  })

  it('describes tags (counts, rule tags, lifecycle, declared manual tags), the distribution over time and the groups', async () => {
    const tags = await t.api<{ enabled: boolean; tags: Array<{ tag: string; source: string; members: number }>; ruleTags: Array<{ id: string; source: string }>; lifecycle: string[]; manualTags: string[] }>('GET', '/api/tags')
    expect(tags.body).toMatchObject({ enabled: true, lifecycle: ['新成员', '活跃', '沉默'], manualTags: ['黑名单', '老客户'] })
    expect(tags.body.ruleTags.map((r) => r.id)).toEqual(['新成员', '活跃', '沉默', '高净值VIP', '重点维护'])
    expect(tags.body.ruleTags[0]!.source).toMatch(/^activity\.yaml:\d+$/)
    expect(tags.body.tags).toEqual([{ tag: '新成员', source: 'rule', members: 3 }, { tag: '沉默', source: 'rule', members: 1 }].sort((a, b) => (a.tag < b.tag ? -1 : 1)))
    expect((await t.api<{ tags: unknown[] }>('GET', `/api/tags?groupId=${OLD_GROUP.groupId}`)).body.tags).toHaveLength(2)

    const dist = await t.api<{ days: number; rows: Array<{ day: string; kind: string; name: string; members: number }> }>('GET', '/api/tags/distribution?days=30')
    expect(dist.body.days).toBe(30)
    expect(dist.body.rows.filter((r) => r.kind === 'lifecycle').map((r) => [r.name, r.members])).toEqual([['新成员', 3], ['沉默', 1]].sort())

    const groups = await t.api<Array<{ groupId: string; groupName: string; members: number }>>('GET', '/api/groups')
    expect(groups.body).toContainEqual({ ...OLD_GROUP, members: 2 })
    expect(groups.body).toContainEqual({ groupId: t.world.room.id, groupName: 'VIP客户群', members: 2 })
  })

  it('lets only admins re-tag everyone, and audits it', async () => {
    expect((await t.api('POST', '/api/tags/retag')).status).toBe(403)
    expect((await agent.call('POST', '/api/tags/retag')).status).toBe(403)
    const res = await admin.call<{ members: number; changed: number }>('POST', '/api/tags/retag')
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ members: 4, changed: 0 })
    const audit = await admin.call<Array<{ actor: string; action: string; detail: { members: number } }>>('GET', '/api/audit?limit=20')
    expect(audit.body.find((a) => a.action === 'tags.retag')).toMatchObject({ actor: '老板', detail: { members: 4 } })
  })
})
