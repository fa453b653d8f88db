import { afterEach, describe, expect, it } from 'vitest'
import type { WaitingTagActionView } from '../../src/console/contract.js'
import { login } from './console-session.js'
import { makeWorkdir, startTestApp, useRules, waitFor, type TestApp } from './test-context.js'

const PASSWORD = '管理员密码-0123456789'
const HOUR_MS = 3_600_000
const NEW_GROUP = { groupId: 'g3@chatroom', groupName: '新客户群' }

let t: TestApp | undefined
afterEach(async () => { await t?.stop(); t = undefined })

describe('tag actions waiting for the hourly cap', () => {
  it('are listed for agents with when each will go out, in queue order, and leave the list once they run', async () => {
    const work = await makeWorkdir()
    await useRules(work, 'valid')
    t = await startTestApp(work)
    const app = t.app
    await waitFor(async () => (await app.members.group(t!.world.room.id)).length === 2)
    await app.tagging.idle()
    await app.auth.addUser({ name: '老板', role: 'admin', password: PASSWORD, actor: 'test' })
    const admin = (await login(app.url, '老板', PASSWORD)).session!
    expect((await admin.call('PUT', '/api/settings', { outreachPerGroupPerHour: 1 })).status).toBe(200)

    // Three newcomers at once: 新成员 welcomes each, one per hour in this group.
    await app.members.record({ kind: 'join', channel: 'wechaty', ...NEW_GROUP, members: [{ id: 'wxid_a', name: '阿一' }, { id: 'wxid_b', name: '阿二' }, { id: 'wxid_c', name: '阿三' }], at: new Date() })
    await app.tagging.retagAll()
    await app.tagging.idle()
    await app.tagActions.run()

    const done = await app.db.selectFrom('tag_actions').select(['member_id', 'done_at']).where('group_id', '=', NEW_GROUP.groupId).where('status', '=', 'done').execute()
    expect(done).toHaveLength(1)
    const sentAt = Date.parse(done[0]!.done_at!)
    const waiting = (await admin.call<WaitingTagActionView[]>('GET', '/api/tag-actions/waiting')).body.filter((w) => w.groupId === NEW_GROUP.groupId)
    expect(waiting).toHaveLength(2)
    expect(waiting.map((w) => ({ kind: w.kind, tag: w.tag, groupName: w.groupName, due: Date.parse(w.dueAt!) - sentAt })))
      .toEqual([{ kind: 'outreach', tag: '新成员', groupName: '新客户群', due: HOUR_MS }, { kind: 'outreach', tag: '新成员', groupName: '新客户群', due: 2 * HOUR_MS }])
    expect(waiting.map((w) => w.memberName).sort()).toEqual(['阿一', '阿二', '阿三'].filter((n) => n !== { wxid_a: '阿一', wxid_b: '阿二', wxid_c: '阿三' }[done[0]!.member_id]).sort())

    // A raised cap lets them run: the list empties.
    await admin.call('PUT', '/api/settings', { outreachPerGroupPerHour: 5 })
    await app.tagActions.run()
    expect((await admin.call<WaitingTagActionView[]>('GET', '/api/tag-actions/waiting')).body.filter((w) => w.groupId === NEW_GROUP.groupId)).toEqual([])
  })
})
