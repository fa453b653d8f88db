import fs from 'node:fs/promises'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { REPO_ROOT as ROOT, runQundesk as qundesk } from './run-qundesk.js'
import { makeWorkdir } from './test-context.js'

const FIXTURE = 'knowledge/calibrate-with-matching'

describe('qundesk kb calibrate (the real CLI)', () => {
  it('prints the leave-one-out curve and the proposed band, with progress on stderr, and writes nothing', async () => {
    const work = await makeWorkdir(FIXTURE)
    const before = await fs.readFile(path.join(work.kbDir, 'matching.yaml'), 'utf8')
    const res = await qundesk(['kb', 'calibrate', '--kb', work.kbDir])
    expect(res.code).toBe(0)
    expect(res.stdout).toMatch(/^留一法校准：.*（5 个意图）$/m)
    expect(res.stdout).toMatch(/留出例句 20 条/)
    expect(res.stdout).toMatch(/^ {2}阈值 S\s+答对\s+答错意图\s+转人工\s+误接\(未收录\)$/m)
    expect(res.stdout).toMatch(/^ {2}0\.\d\d ←\s+\d+\.\d%\s+\d+\.\d%\s+\d+\.\d%\s+\d+\.\d%$/m)
    expect(res.stdout).toMatch(/^建议 suggest（S）= 0\.\d+：答对 \d+\.\d%，答错意图 \d+\.\d%，误接未收录问题 \d+\.\d%（目标 ≤ 5\.0%）$/m)
    expect(res.stdout).toMatch(/^建议 auto_send（A）= 0\.\d+：/m)
    expect(res.stderr).toMatch(/留出意图 5\/5/)
    expect(res.stderr).toMatch(/留出例句 20\/20/)
    expect(await fs.readFile(path.join(work.kbDir, 'matching.yaml'), 'utf8')).toBe(before)
  })

  it('--write sets matching.suggest and auto_send in the file that has matching:, keeping its comments and the rest', async () => {
    const work = await makeWorkdir(FIXTURE)
    const file = path.join(work.kbDir, 'matching.yaml')
    const before = await fs.readFile(file, 'utf8')
    const shopBefore = await fs.readFile(path.join(work.kbDir, 'shop.yaml'), 'utf8')
    const res = await qundesk(['kb', 'calibrate', '--kb', work.kbDir, '--target-false-accept', '0.1', '--write', '--json'])
    expect(res.code).toBe(0)
    const report = JSON.parse(res.stdout)
    expect(report).toMatchObject({ intents: 5, listed: 20, unlisted: 20, targetFalseAccept: 0.1, accept: { met: true }, written: { file: expect.stringMatching(/matching\.yaml$/) } })
    expect(report.accept.point.falseAccept).toBeLessThanOrEqual(0.1)
    const { suggest, autoSend } = report.written
    expect(suggest).toBe(report.accept.threshold)
    expect(autoSend).toBeGreaterThanOrEqual(suggest)

    const after = await fs.readFile(file, 'utf8')
    const expected = before.replace(/^ {2}suggest: 0\.25 /m, `  suggest: ${suggest} `).replace(/^ {2}auto_send: 0\.5 /m, `  auto_send: ${autoSend} `)
    expect(after).toBe(expected)
    expect(after).toContain('# S：低于它交给人工')
    expect(after).toContain('- match: VIP客户群   # 这个群更严格\n      suggest: 0.6')
    expect(await fs.readFile(path.join(work.kbDir, 'shop.yaml'), 'utf8')).toBe(shopBefore)
    const check = await qundesk(['kb', 'check', '--kb', work.kbDir])
    expect(check.code).toBe(0)
  })

  it('--write adds a matching.yaml when no file has matching:', async () => {
    const work = await makeWorkdir(FIXTURE)
    await fs.rm(path.join(work.kbDir, 'matching.yaml'))
    const res = await qundesk(['kb', 'calibrate', '--kb', work.kbDir, '--target-false-accept', '0.1', '--write'])
    expect(res.code).toBe(0)
    expect(res.stdout).toMatch(/^已写入 .*matching\.yaml：matching\.suggest = 0\.\d+，matching\.auto_send = 0\.\d+$/m)
    const written = await fs.readFile(path.join(work.kbDir, 'matching.yaml'), 'utf8')
    expect(written).toMatch(/^# yaml-language-server: \$schema=\.\/knowledge\.schema\.json\n# 阈值区间（matching）。由 qundesk kb calibrate 用留一法算出.*\nmatching:\n {2}suggest: 0\.\d+\n {2}auto_send: 0\.\d+\n$/)
  })

  it('refuses a target that is not a share, with usage', async () => {
    const res = await qundesk(['kb', 'calibrate', '--kb', path.join(ROOT, 'test/fixtures', FIXTURE), '--target-false-accept', '5%'])
    expect(res.code).toBe(2)
    expect(res.stderr).toContain('--target-false-accept 必须是 0 到 1 之间的比例，如 0.05')
  })
})
