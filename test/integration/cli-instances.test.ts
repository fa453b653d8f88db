import { afterEach, describe, expect, it } from 'vitest'
import { runCli } from '../../src/cli.js'
import type { CliIo } from '../../src/cli/cli-io.js'
import { onPostgres } from '../support/test-database.js'
import { makeWorkdir, startTestApp, testEnv, waitFor, type TestApp, type Workdir } from './test-context.js'

const apps: TestApp[] = []
afterEach(async () => { await Promise.all(apps.splice(0).map((t) => t.stop().catch(() => undefined))) })

async function instances(work: Workdir, ...args: string[]) {
  const out: string[] = []
  const err: string[] = []
  const io: CliIo = { stdout: (t) => out.push(t), stderr: (t) => err.push(t), env: testEnv(work), cwd: process.cwd() }
  const code = await runCli(['instances', ...args], io)
  return { code, stdout: out.join('\n'), stderr: err.join('\n') }
}

describe('qundesk instances', () => {
  it('says when QunDesk never ran on the database, then lists a stopped instance with its group', async () => {
    const work = await makeWorkdir()
    expect(await instances(work)).toMatchObject({ code: 0, stdout: expect.stringContaining('还没有实例记录') })
    const t = await startTestApp(work)
    t.world.ask(t.world.alice, '我的快递到哪了')
    await waitFor(async () => (await t.app.suggestions.list({ status: 'pending' })).length === 1)
    await t.stop()
    const listed = await instances(work)
    expect(listed.code).toBe(0)
    expect(listed.stdout).toMatch(/^default {2}已停止（心跳 .*）  群 1  待发送 0  未处理消息 0$/)
    const json = JSON.parse((await instances(work, '--json')).stdout) as Array<{ instanceId: string; state: string; groups: number }>
    expect(json).toEqual([expect.objectContaining({ instanceId: 'default', state: 'stopped', groups: 1 })])
  })

  it.skipIf(!onPostgres())('tells running instances (holding their lock) from a silent one, and what waits on the silent one', async () => {
    const work = await makeWorkdir()
    const a = await startTestApp(work, { env: { QUNDESK_INSTANCE_ID: 'a' } })
    apps.push(a)
    // a claims its account's group when the member sync after login has run.
    await waitFor(async () => (await a.app.db.selectFrom('group_owners').select('group_id').where('instance_id', '=', 'a').execute()).length === 1)
    const old = new Date(Date.now() - 10 * 60_000).toISOString()
    await a.app.db.insertInto('instances').values({ instance_id: 'c', started_at: old, heartbeat_at: old, stopped_at: null }).execute()
    await a.app.db.insertInto('group_owners').values({ group_id: 'room-c', instance_id: 'c', updated_at: old }).execute()
    await a.app.db.insertInto('outbox').values({
      source: 'suggestion:999', group_id: 'room-c', text: '您好', actor: 'agent:小王', mention_member_id: null, mention_member_name: null,
      reply_to_message_id: null, status: 'queued', attempts: 0, next_attempt_at: old, created_at: old, instance_id: 'c',
    }).execute()
    const { code, stdout } = await instances(work)
    expect(code).toBe(0)
    expect(stdout).toMatch(/^a {2}运行中（心跳 \d+ 秒前，持有实例锁）  群 1/m)
    expect(stdout).toMatch(/^c {2}失联（心跳 10 分钟前，未持有实例锁）  群 1  待发送 1  未处理消息 0$/m)
    expect(stdout).toContain('注意：c 失联')
  })
})
