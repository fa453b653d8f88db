import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { REPO_ROOT as ROOT, runQundesk as qundesk } from './run-qundesk.js'

const LINT = path.join(ROOT, 'test/fixtures/knowledge-lint')

describe('qundesk kb lint', () => {
  it('prints file:line warnings with the crossed-over examples; --strict exits 1 on them', async () => {
    const dir = path.join(LINT, 'confusable')
    // One run (each costs seconds): warnings alone exit 0, shown by the --json case below.
    const res = await qundesk(['kb', 'lint', '--strict', '--kb', dir])
    expect(res.code).toBe(1)
    const lines = res.stdout.trim().split('\n')
    expect(lines[0]).toMatch(new RegExp(`^${path.join(dir, 'invoice.yaml').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3: 意图 invoice\\.when 与 invoice\\.how_long（.*invoice\\.yaml:10）容易混淆`))
    expect(lines.some((l) => /^ {4}invoice\.(when|how_long): 发票/.test(l))).toBe(true)
    expect(lines.at(-1)).toMatch(/^共 1 条提醒（易混淆 1）：4 个意图，留出 16 个例句分 5 轮训练检验，用时 [\d.]+ 秒$/)
  })

  it('exits 0 with warnings; --json gives them and how the confusion was measured', async () => {
    const res = await qundesk(['kb', 'lint', '--json', '--kb', path.join(LINT, 'unknown-placeholder')])
    expect(res.code).toBe(0)
    const report = JSON.parse(res.stdout) as { ok: boolean; warnings: Array<{ kind: string; line: number }>; confusion: { heldOut: number } }
    expect(report.ok).toBe(true)
    expect(report.warnings).toEqual([expect.objectContaining({ kind: 'unknown_placeholder', line: 8 })])
    expect(report.confusion.heldOut).toBe(6)
  })

  it('says there is nothing to improve in valid knowledge, and exits 1 with kb check problems when it does not load', async () => {
    const valid = await qundesk(['kb', 'lint', '--strict', '--kb', path.join(LINT, 'valid')])
    expect(valid).toMatchObject({ code: 0, stdout: expect.stringMatching(/^没有提醒：4 个意图/) })
    const broken = await qundesk(['kb', 'lint', '--kb', path.join(ROOT, 'test/fixtures/knowledge/malformed')])
    expect(broken.code).toBe(1)
    expect(broken.stderr).toMatch(/malformed.*\.yaml:\d+: /)
  })

  it('is in --help', async () => {
    expect((await qundesk(['--help'])).stdout).toContain('qundesk kb lint [--kb DIR] [--json] [--strict]')
  })
})
