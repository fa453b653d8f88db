import { afterEach, describe, expect, it } from 'vitest'
import { login } from './console-session.js'
import { makeWorkdir, startTestApp, waitFor, type TestApp } from './test-context.js'

let t: TestApp | undefined
afterEach(async () => {
  await t?.stop()
  t = undefined
})

const PASSWORD = '管理密码-0123456789'

describe('the groups the bot serves (allow-list)', () => {
  it('answers only in listed groups; a message elsewhere is stored for context, never answered or queued', async () => {
    t = await startTestApp(await makeWorkdir())
    const { world, app } = t
    const other = world.mocker.createRoom({ topic: '闲聊群', memberIdList: [world.me.id, world.alice.id, world.bob.id] })
    await app.auth.addUser({ name: '老板', role: 'admin', password: PASSWORD, actor: 'test' })
    const admin = (await login(app.url, '老板', PASSWORD)).session!
    expect((await admin.call('PUT', '/api/settings', { servedGroups: { '*': ['VIP客户群'] } })).status).toBe(200)

    world.alice.say('@客服助手\u2005帮我转人工', [world.me]).to(other)
    world.ask(world.bob, '能开发票吗')
    await waitFor(async () => (await app.suggestions.list({ status: 'pending' })).length === 1)
    const stored = await waitFor(async () => (await app.db.selectFrom('messages').selectAll().where('group_id', '=', other.id).execute())[0])
    await waitFor(async () => (await app.db.selectFrom('messages').select('status').where('id', '=', stored.id).executeTakeFirst())?.status === 'ignored')
    expect((await app.suggestions.list()).map((s) => s.groupName)).toEqual(['VIP客户群'])
    expect(world.said).toEqual([])

    // An instance's own list (here by group id) replaces the list for every instance.
    expect((await admin.call('PUT', '/api/settings', { servedGroups: { '*': ['VIP客户群'], [app.instanceId]: [other.id] } })).status).toBe(200)
    world.alice.say('@客服助手\u2005能开发票吗', [world.me]).to(other)
    await waitFor(async () => (await app.suggestions.list()).some((s) => s.groupName === '闲聊群'))
    const audit = await app.db.selectFrom('audit_log').select(['action', 'subject_id']).where('action', '=', 'setting.changed').execute()
    expect(audit.map((a) => a.subject_id)).toEqual(['servedGroups', 'servedGroups'])
  })

  it('refuses a malformed list with a clear message', async () => {
    t = await startTestApp(await makeWorkdir())
    await t.app.auth.addUser({ name: '老板', role: 'admin', password: PASSWORD, actor: 'test' })
    const admin = (await login(t.app.url, '老板', PASSWORD)).session!
    const bad = await admin.call<{ message: string }>('PUT', '/api/settings', { servedGroups: { '*': ['  '] } })
    expect(bad.status).toBe(400)
    expect(bad.body.message).toContain('空的或过长')
    expect((await admin.call('PUT', '/api/settings', { servedGroups: ['VIP客户群'] })).status).toBe(400)
    expect((await admin.call<{ servedGroups: unknown }>('GET', '/api/settings')).body.servedGroups).toEqual({})
  })
})
