import fs from 'node:fs/promises'
import path from 'node:path'
import { sql } from 'kysely'
import { beforeEach, describe, expect, it } from 'vitest'
import { runCli } from '../../src/cli.js'
import type { CliIo } from '../../src/cli/cli-io.js'
import { listAudit } from '../../src/storage/audit.repository.js'
import type { Db } from '../../src/storage/create-db.js'
import { upsertJoin } from '../../src/storage/group-member.repository.js'
import { findMemberAttributes } from '../../src/storage/member-attribute.repository.js'
import { failWritesTo } from '../support/db-faults.js'
import { FIXTURES, makeWorkdir, testEnv, withWorkdirDb } from './test-context.js'

const CRM = path.join(FIXTURES, 'crm')
let work: Awaited<ReturnType<typeof makeWorkdir>>

beforeEach(async () => {
  work = await makeWorkdir()
})

/** Runs `qundesk ...` in-process with the CRM fixtures folder as the working directory (or `cwd`). */
async function run(args: string[], cwd = CRM) {
  const out: string[] = []
  const err: string[] = []
  const io: CliIo = { stdout: (t) => out.push(t), stderr: (t) => err.push(t), env: testEnv(work), cwd }
  const code = await runCli(args, io)
  return { code, stdout: out.join('\n'), stderr: err.join('\n') }
}

const withDb = <T>(fn: (db: Db) => Promise<T>): Promise<T> => withWorkdirDb(work, fn)

async function seedMembers(...ids: string[]) {
  const now = new Date().toISOString()
  await withDb(async (db) => {
    for (const id of ids) {
      await upsertJoin(db, { channel: 'test', groupId: 'g1@chatroom', groupName: 'VIP客户群', memberId: id, memberName: id, joinedAt: now, estimated: false, source: 'event', now })
    }
  })
}

const attributes = (memberId: string) => withDb((db) => findMemberAttributes(db, memberId))
const attributeCount = () => withDb(async (db) => (await db.selectFrom('member_attributes').select(sql<number>`COUNT(*)`.as('n')).executeTakeFirstOrThrow()).n)
const imports = () => withDb(async (db) => (await listAudit(db)).filter((e) => e.action === 'members.import'))

describe('qundesk members import', () => {
  it('imports a CSV export (BOM, CRLF, Chinese headers, quoted commas and line breaks) and scores RFM', async () => {
    await seedMembers('wxid_a', 'wxid_b', 'wxid_c', 'wxid_d', 'wxid_e')
    const res = await run(['members', 'import', 'valid.csv'])
    expect(res.stdout).toBe('导入 valid.csv：共 5 行，匹配 5 行，未匹配 0 行；已更新 RFM 评分（5 人）。标签在下次定时重算时更新，或由管理员在「用户与设置」里点「立即重新计算标签」')
    expect(res.stderr).toMatch(/^警告：valid\.csv:1: 已忽略不认识的列："备注" — /)
    expect(res.code).toBe(0)
    expect(await attributes('wxid_b')).toMatchObject({
      monthly_spend: 120.5, total_spend: 800.5, orders: 3, returns: 1, last_purchase_at: '2026-06-01T02:30:00.000Z', import_source: 'valid.csv',
    })
    // Population: orders e0 < a1 < b3 < d5 < c10, spend the same order; purchases a < b < d < c, e never bought.
    const scores = await withDb((db) => db.selectFrom('member_attributes').select(['member_id', 'rfm_r', 'rfm_f', 'rfm_m']).orderBy('member_id').execute())
    expect(scores.map((s) => [s.member_id, s.rfm_r, s.rfm_f, s.rfm_m])).toEqual([
      ['wxid_a', 1, 2, 2], ['wxid_b', 2, 3, 3], ['wxid_c', 4, 5, 5], ['wxid_d', 3, 4, 4], ['wxid_e', null, 1, 1],
    ])
  })

  it('imports JSON keyed by external_userid (how WeCom members are stored) or member_id', async () => {
    await seedMembers('wmEXT001', 'wxid_json', 'wxid_nodata')
    const res = await run(['members', 'import', 'valid.json'])
    expect(res.code).toBe(0)
    expect(res.stdout).toBe('导入 valid.json：共 3 行，匹配 3 行，未匹配 0 行；已更新 RFM 评分（3 人）。标签在下次定时重算时更新，或由管理员在「用户与设置」里点「立即重新计算标签」')
    expect(await attributes('wmEXT001')).toMatchObject({ external_id: 'wmEXT001', monthly_spend: 99.9, orders: 4, last_purchase_at: '2026-10-19T16:00:00.000Z' })
    expect(await attributes('wxid_json')).toMatchObject({ external_id: 'wmEXT002', total_spend: 35.5 })
    expect(await attributes('wxid_nodata')).toMatchObject({ orders: null, rfm_r: null, rfm_f: null, rfm_m: null })
  })

  it('audits the import with counts and the file name', async () => {
    await seedMembers('wxid_a', 'wxid_b', 'wxid_c', 'wxid_d', 'wxid_e')
    await run(['members', 'import', path.join(CRM, 'valid.csv')], work.dir)
    const [entry, ...more] = await imports()
    expect(more).toEqual([])
    expect(entry).toMatchObject({ actor: 'cli', subject_id: 'valid.csv' })
    expect(JSON.parse(entry!.detail)).toMatchObject({ source: 'valid.csv', rows: 5, imported: 5, unmatched: 0, rfmScored: 5 })
  })

  it('updates the values on a re-import', async () => {
    await seedMembers('wxid_a', 'wxid_b', 'wxid_c', 'wxid_d', 'wxid_e')
    await run(['members', 'import', 'valid.csv'])
    const first = await attributes('wxid_a')
    await fs.writeFile(path.join(work.dir, 'update.csv'), 'member_id,monthly_spend,orders\nwxid_a,42,20\n')
    const res = await run(['members', 'import', 'update.csv'], work.dir)
    expect(res.stdout).toBe('导入 update.csv：共 1 行，匹配 1 行，未匹配 0 行；已更新 RFM 评分（5 人）。标签在下次定时重算时更新，或由管理员在「用户与设置」里点「立即重新计算标签」')
    const second = await attributes('wxid_a')
    // The columns the file has change (and the scores with them); total_spend, absent from the file, stays.
    expect(second).toMatchObject({ monthly_spend: 42, orders: 20, rfm_f: 5, total_spend: first!.total_spend, import_source: 'update.csv' })
    expect(second!.imported_at >= first!.imported_at).toBe(true)
    expect((await attributes('wxid_c'))?.rfm_f).toBe(4)
    expect(await imports()).toHaveLength(2)
  })

  it('reports an empty file and writes nothing', async () => {
    const res = await run(['members', 'import', 'empty.csv'])
    expect(res.code).toBe(1)
    expect(res.stderr.split('\n')).toEqual([expect.stringMatching(/^empty\.csv: 文件是空的 — /), '未导入：empty.csv 有 1 个问题，数据库未改动'])
  })

  it('reports broken quoting with file:line and writes nothing', async () => {
    await seedMembers('wxid_a', 'wxid_b')
    const res = await run(['members', 'import', 'malformed.csv'])
    expect(res.code).toBe(1)
    expect(res.stderr.split('\n')).toEqual([
      expect.stringMatching(/^警告：malformed\.csv:1: 已忽略不认识的列："notes"/),
      expect.stringMatching(/^malformed\.csv:2: 第 3 格的结束引号后面还有文字 — /),
      expect.stringMatching(/^malformed\.csv:4: 第 3 格开头的引号没有闭合 — /),
      '未导入：malformed.csv 有 2 个问题，数据库未改动',
    ])
    expect(await attributeCount()).toBe(0)
  })

  it('reports every bad value at once with its line, and writes none of the good rows', async () => {
    await seedMembers('wxid_a', 'wxid_b', 'wxid_c', 'wxid_f', 'wxid_g')
    const res = await run(['members', 'import', 'bad-values.csv'])
    expect(res.code).toBe(1)
    const lines = res.stderr.split('\n')
    expect(lines.map((l) => /^bad-values\.csv:(\d+): /.exec(l)?.[1])).toEqual(['2', '3', '3', '3', '3', '4', '4', '5', '6', '7', '7', '7', '8', undefined])
    expect(lines).toContain('bad-values.csv:6: member_id "wxid_a" 已出现在第 2 行 — 每位成员只保留一行')
    expect(lines.at(-1)).toBe('未导入：bad-values.csv 有 13 个问题，数据库未改动')
    expect(await attributeCount()).toBe(0)
  })

  it('refuses hostile content with file:line and never stores it', async () => {
    const res = await run(['members', 'import', 'evil.csv'])
    expect(res.code).toBe(1)
    expect(res.stderr.split('\n').slice(1, 4).map((l) => l.slice(0, 12))).toEqual(['evil.csv:2: ', 'evil.csv:3: ', 'evil.csv:4: '])
    expect(res.stderr).toMatch(/^警告：evil\.csv:1: 已忽略不认识的列："notes"/)
    expect(res.stderr.length).toBeLessThan(3000) // the 5,000- and 20,000-character cells are not echoed
  })

  it('refuses a GBK file, saying how to re-save it as UTF-8', async () => {
    const res = await run(['members', 'import', 'gbk.csv'])
    expect(res.code).toBe(1)
    expect(res.stderr).toMatch(/^gbk\.csv:1: 文件不是有效的 UTF-8 编码.* — 把文件另存为 UTF-8 编码（Excel：另存为 → "CSV UTF-8（逗号分隔）"/)
  })

  it('aborts when rows match no group member, listing them with the reason, and writes nothing', async () => {
    await seedMembers('wxid_a', 'wmEXT001')
    const res = await run(['members', 'import', 'unmatched.csv'])
    expect(res.code).toBe(1)
    expect(res.stdout).toBe('')
    expect(res.stderr.split('\n')).toEqual([
      'unmatched.csv:3: member_id "wxid_ghost" 未匹配：没有群成员用这个 ID（已查所有群，包括已退群的成员） — 请确认这是 QunDesk 里显示的该成员 ID',
      'unmatched.csv:4: phone 138****8000 未匹配：暂时无法按手机号匹配（个人微信 Wechaty 不提供手机号；企业微信的手机号来自外部联系人的 remark_mobiles，要等后续版本的企业微信渠道接入） — 给这位成员加上 member_id 或 external_userid 列',
      expect.stringMatching(/^unmatched\.csv:5: external_userid "wm_unknown" 未匹配：/),
      '未导入：3 行未匹配，数据库未改动 — 核对这些 ID，或加 --skip-unmatched 只导入匹配的行',
    ])
    expect(res.stderr).not.toContain('13800138000')
    expect(await attributeCount()).toBe(0)
    expect(await imports()).toEqual([])
  })

  it('imports the matched rows with --skip-unmatched and still reports the others', async () => {
    await seedMembers('wxid_a', 'wmEXT001')
    const res = await run(['members', 'import', 'unmatched.csv', '--skip-unmatched'])
    expect(res.code).toBe(0)
    expect(res.stdout).toBe('导入 unmatched.csv：共 5 行，匹配 2 行，未匹配 3 行（--skip-unmatched 已跳过）；已更新 RFM 评分（2 人）。标签在下次定时重算时更新，或由管理员在「用户与设置」里点「立即重新计算标签」')
    expect(res.stderr.split('\n').map((l) => l.slice(0, 16))).toEqual(['unmatched.csv:3:', 'unmatched.csv:4:', 'unmatched.csv:5:'])
    expect(await attributes('wxid_a')).toMatchObject({ monthly_spend: 10, orders: 1 })
    expect(await attributes('wmEXT001')).toMatchObject({ external_id: 'wmEXT001', monthly_spend: 7 })
    expect(await attributeCount()).toBe(2)
  })

  it('lists at most 50 unmatched rows', async () => {
    await seedMembers('wxid_a')
    await fs.writeFile(path.join(work.dir, 'many.csv'), ['member_id', 'wxid_a', ...Array.from({ length: 60 }, (_, i) => `nobody_${i}`)].join('\n'))
    const res = await run(['members', 'import', 'many.csv', '--skip-unmatched'], work.dir)
    const lines = res.stderr.split('\n')
    expect(lines).toHaveLength(51)
    expect(lines[49]).toMatch(/^many\.csv:52: member_id "nobody_49" 未匹配：/)
    expect(lines[50]).toBe('… 另有 10 行未列出')
  })

  it('writes nothing on --dry-run but reports what an import would do', async () => {
    await seedMembers('wxid_a', 'wxid_b', 'wxid_c', 'wxid_d', 'wxid_e')
    const res = await run(['members', 'import', 'valid.csv', '--dry-run'])
    expect(res.code).toBe(0)
    expect(res.stdout).toBe('试运行 valid.csv：共 5 行，匹配 5 行，未匹配 0 行；未写入数据库（--dry-run）')
    expect(await attributeCount()).toBe(0)
    expect(await imports()).toEqual([])
    const unmatched = await run(['members', 'import', 'unmatched.csv', '--dry-run'])
    expect(unmatched.code).toBe(1)
    expect(await attributeCount()).toBe(0)
  })

  it('rolls back a failure inside the transaction, keeping the attributes imported before', async () => {
    await seedMembers('wxid_a', 'wxid_b', 'wxid_c', 'wxid_d', 'wxid_e')
    await run(['members', 'import', 'valid.csv'])
    const before = await withDb((db) => db.selectFrom('member_attributes').selectAll().orderBy('member_id').execute())
    // A fault after the upserts and the RFM update: the audit insert fails.
    await withDb((db) => failWritesTo(db, { table: 'audit_log', when: "NEW.action = 'members.import'", message: 'forced failure' }))
    await fs.writeFile(path.join(work.dir, 'update.csv'), 'member_id,monthly_spend,total_spend,orders\nwxid_a,1,99999,99\nwxid_b,2,3,4\n')
    const res = await run(['members', 'import', 'update.csv'], work.dir)
    expect(res.code).toBe(1)
    expect(res.stderr).toBe('导入失败，已回滚，数据库未改动：forced failure')
    expect(await withDb((db) => db.selectFrom('member_attributes').selectAll().orderBy('member_id').execute())).toEqual(before)
  })

  it('refuses other file types as a usage error, and a missing file', async () => {
    const xlsx = await run(['members', 'import', 'crm.xlsx'])
    expect(xlsx.code).toBe(2)
    expect(xlsx.stderr).toMatch(/^qundesk: crm\.xlsx: members import 只能读取 \.csv 或 \.json 文件\n用法见 "qundesk --help"。$/)
    expect((await run(['members', 'import'])).code).toBe(2)
    const missing = await run(['members', 'import', 'missing.csv'])
    expect(missing).toMatchObject({ code: 1, stderr: 'missing.csv: 找不到文件 — 请检查路径' })
  })

  it('imports 20,000 rows in one go', async () => {
    const ids = Array.from({ length: 20_000 }, (_, i) => `wxid_${i}`)
    await withDb((db) => sql`
      INSERT INTO group_members (group_id, member_id, channel, group_name, member_name, joined_at, joined_at_estimated, join_source, left_at_estimated, updated_at)
      WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 19999)
      SELECT 'g1', 'wxid_' || i, 'test', 'g1', 'wxid_' || i, '2026-01-01T00:00:00.000Z', 0, 'event', 0, '2026-01-01T00:00:00.000Z' FROM n
    `.execute(db))
    const body = ids.map((id, i) => `${id},${i % 1000}.5,${i * 3},${(i % 50) + 2},${i % 3},2026-${String((i % 10) + 1).padStart(2, '0')}-15`)
    await fs.writeFile(path.join(work.dir, 'big.csv'), ['member_id,monthly_spend,total_spend,orders,returns,last_purchase', ...body].join('\n'))
    const res = await run(['members', 'import', 'big.csv'], work.dir)
    expect(res.stderr).toBe('')
    expect(res.stdout).toBe('导入 big.csv：共 20,000 行，匹配 20,000 行，未匹配 0 行；已更新 RFM 评分（20,000 人）。标签在下次定时重算时更新，或由管理员在「用户与设置」里点「立即重新计算标签」')
    expect(await attributes('wxid_19999')).toMatchObject({ total_spend: 59_997, rfm_m: 5, orders: 51, rfm_f: 5 })
  })
})
