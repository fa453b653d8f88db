import { afterEach, describe, expect, it } from 'vitest'
import { login } from './console-session.js'
import { makeWorkdir, startTestApp, waitFor, type TestApp } from './test-context.js'

let t: TestApp | undefined
afterEach(async () => {
  await t?.stop()
  t = undefined
})

const PASSWORD = '管理密码-0123456789'
type Snippet = { id: number; title: string; text: string }

describe('常用语 (quick replies)', () => {
  it('are kept by admins (audited, validated) and filled for the item an agent answers', async () => {
    t = await startTestApp(await makeWorkdir())
    const { app, world } = t
    await app.auth.addUser({ name: '老板', role: 'admin', password: PASSWORD, actor: 'test' })
    await app.auth.addUser({ name: '小王', role: 'agent', password: PASSWORD, actor: 'test' })
    const admin = (await login(app.url, '老板', PASSWORD)).session!
    const agent = (await login(app.url, '小王', PASSWORD)).session!

    const added = await admin.call<Snippet>('POST', '/api/quick-replies', { title: '催发货', text: '{{name}}您好，订单 {{order_id}} 已帮您催促仓库，手机 {{phone}} 会收到短信～' })
    expect(added.status).toBe(201)
    expect((await agent.call('POST', '/api/quick-replies', { title: 'x', text: 'y' })).status).toBe(403)
    const unknown = await admin.call<{ message: string }>('POST', '/api/quick-replies', { title: '坏的', text: '您好 {{orderid}}' })
    expect(unknown.status).toBe(400)
    expect(unknown.body.message).toContain('{{orderid}} 不是可用的变量')
    expect((await admin.call('POST', '/api/quick-replies', { title: '', text: '内容' })).status).toBe(400)

    world.ask(world.alice, '帮我催一下，订单 DD20261123001 好几天了')
    const item = await waitFor(async () => (await app.suggestions.list({ status: 'pending' }))[0])
    const filled = await agent.call<Snippet[]>('GET', `/api/suggestions/${item.id}/quick-replies`)
    expect(filled.body).toEqual([expect.objectContaining({ title: '催发货', text: '张三您好，订单 DD20261123001 已帮您催促仓库，手机 【下单手机号】 会收到短信～' })])

    expect((await admin.call('PUT', `/api/quick-replies/${added.body.id}`, { title: '催发货', text: '{{name}}您好，已帮您催促～' })).status).toBe(200)
    expect((await admin.call('DELETE', `/api/quick-replies/${added.body.id}`)).status).toBe(200)
    expect((await admin.call('DELETE', `/api/quick-replies/${added.body.id}`)).status).toBe(404)
    expect((await agent.call<Snippet[]>('GET', '/api/quick-replies')).body).toEqual([])
    const audit = await app.db.selectFrom('audit_log').select('action').where('action', 'like', 'quick_reply.%').orderBy('id').execute()
    expect(audit.map((a) => a.action)).toEqual(['quick_reply.added', 'quick_reply.changed', 'quick_reply.removed'])
  })
})
