import { execFile } from 'node:child_process'
import fs from 'node:fs/promises'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { parse as parseYaml } from 'yaml'
import { createAuthService } from '../../src/auth/auth-service.js'
import { runCli } from '../../src/cli.js'
import { openDb } from '../../src/storage/create-db.js'
import { insertLearnedExample } from '../../src/storage/learned-example.repository.js'
import type { CliIo } from '../../src/cli/cli-io.js'
import { loadConfig, type Env } from '../../src/config/load-config.js'
import { FIXTURES, makeWorkdir, testEnv } from './test-context.js'

function execFileAsync(file: string, args: string[], options: { env?: NodeJS.ProcessEnv } = {}): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { ...options, encoding: 'utf8' }, (error, stdout, stderr) => (error ? reject(Object.assign(error, { stdout, stderr })) : resolve({ stdout, stderr })))
  })
}
const ROOT = path.resolve(import.meta.dirname, '../..')

async function run(args: string[], env: Env = {}) {
  const out: string[] = []
  const err: string[] = []
  const io: CliIo = { stdout: (t) => out.push(t), stderr: (t) => err.push(t), env, cwd: ROOT }
  const code = await runCli(args, io)
  return { code, stdout: out.join('\n'), stderr: err.join('\n') }
}

describe('qundesk kb check', () => {
  it('exits 0 for the shipped knowledge base', async () => {
    const res = await run(['kb', 'check'])
    expect(res.code).toBe(0)
    expect(res.stdout).toMatch(/^OK：\d+ 个文件，\d+ 个意图/)
  })

  it('exits 1 with one file:line: message per problem for a broken folder', async () => {
    const work = await makeWorkdir()
    const bad = path.join(work.kbDir, 'bad.yaml')
    await fs.writeFile(bad, 'intents:\n  - id: logistics.track\n    examples: [重复的]\n    answer: 重复\n  - id: x.empty\n    examples: []\n    answer: 没有例句\n')
    const res = await run(['kb', 'check', '--kb', work.kbDir])
    expect(res.code).toBe(1)
    const lines = res.stderr.split('\n')
    // Files load in name order, so the duplicate id is reported in shop.yaml, pointing back at bad.yaml.
    expect(lines).toEqual([
      `${bad}:6: intents[1] (x.empty) 没有例句 — 每个意图至少需要一条客户会问的话`,
      expect.stringMatching(new RegExp(`^${path.join(work.kbDir, 'shop.yaml').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3: id "logistics.track" 已在 .*bad\\.yaml:2 用过 — `)),
    ])
  })
})

describe('qundesk kb check with the named fixtures, and kb schema', () => {
  const kb = (name: string) => path.join(FIXTURES, 'knowledge', name)

  it.each([
    ['valid', 0, /^OK：3 个文件，3 个意图/, ''],
    ['malformed', 1, /^$/, 'broken.yaml:4: YAML 语法错误'],
    ['evil', 1, /^$/, 'alias-bomb.yaml: YAML 用了太多别名'],
    ['bad-values', 1, /^$/, 'bad.yaml:25: intents[5] (shop.named).name 必须是文字，现在是 列表 — 写一个给人看的简短名称'],
  ])('%s: exit %i with file:line per problem', async (name, code, stdout, stderr) => {
    const res = await run(['kb', 'check', '--kb', kb(name)])
    expect(res.code).toBe(code)
    expect(res.stdout).toMatch(stdout)
    expect(res.stderr).toContain(stderr)
  })

  it('kb schema prints the committed knowledge/knowledge.schema.json', async () => {
    const res = await run(['kb', 'schema'])
    expect(res.code).toBe(0)
    expect(`${res.stdout}\n`).toBe(await fs.readFile(path.join(ROOT, 'knowledge/knowledge.schema.json'), 'utf8'))
  })
})

describe('qundesk kb test', () => {
  it('prints the decision and the top 3 intents with scores', async () => {
    const res = await run(['kb', 'test', '我的快递到哪了', '--kb', path.join(FIXTURES, 'kb-small-shop')])
    expect(res.code).toBe(0)
    expect(res.stdout).toMatch(/^判定：采用 logistics\.track（分数 0\.\d{3} ≥ 阈值 0\.\d{3}）/)
    expect(res.stdout.split('\n').filter((l) => /^\s+\d\. \S+\s+\d\.\d{3}$/.test(l))).toHaveLength(3)
  })

  it('explains the decision: thresholds, the evidence per intent, emotion and escalation', async () => {
    const res = await run(['kb', 'test', '客服几点下班？再不回我就去12315投诉', '--kb', path.join(FIXTURES, 'kb-small-shop')])
    expect(res.stdout).toMatch(/^依据：阈值来自 默认值；融合 = 0\.7 × \(质心 \+ 最近例句\) \/ 2 \+ 0\.3 × 分类器；分数 = min\(融合, 1\.2 × 质心\)，问题正好是意图的例句时取融合（blend、centroid、nearest、classifier）$/m)
    expect(res.stdout).toMatch(/^ {2}service\.hours：质心 \d\.\d{3}，最近例句 \d\.\d{3}，node-nlp \d\.\d{3} → 融合 \d\.\d{3}/m)
    expect(res.stdout).toMatch(/^情绪：severe（.*12315.*）$/m)
    expect(res.stdout).toMatch(/^转人工：emotion — 情绪严重.*；不会自动发送$/m)
    const json = JSON.parse((await run(['kb', 'test', '你们几点上班', '--kb', path.join(FIXTURES, 'kb-small-shop'), '--json'])).stdout)
    expect(json).toMatchObject({ decision: 'accept', intent: { intentId: 'service.hours' }, bands: 'default' })
    expect(json.evidence[0]).toMatchObject({ intentId: 'service.hours', capped: expect.any(Boolean) })
  })

  it('applies a group band with --group', async () => {
    const work = await makeWorkdir()
    await fs.writeFile(path.join(work.kbDir, 'matching.yaml'), 'matching:\n  groups:\n    - match: VIP客户群\n      suggest: 0.99\n')
    const normal = await run(['kb', 'test', '我的快递到哪了', '--kb', work.kbDir])
    const vip = await run(['kb', 'test', '我的快递到哪了', '--kb', work.kbDir, '--group', 'VIP客户群'])
    expect(normal.stdout).toMatch(/^判定：采用 logistics\.track/)
    expect(vip.stdout).toMatch(/^判定：需要人工（最高分低于阈值 0\.990）/)
    expect(vip.stdout).toContain('阈值来自 默认值 + 群 VIP客户群 的区间')
  })

  it('says a human is needed for an off-topic question', async () => {
    const res = await run(['kb', 'test', '今天天气怎么样', '--kb', path.join(FIXTURES, 'kb-small-shop')])
    expect(res.stdout).toMatch(/^判定：需要人工/)
  })

  it('exits 2 with usage when the question is missing', async () => {
    const res = await run(['kb', 'test'])
    expect(res.code).toBe(2)
    expect(res.stderr).toBe('qundesk: kb test 需要一个问题，如 qundesk kb test "我的快递到哪了"\n用法见 "qundesk --help"。')
  })

  it('names an intent by its admin-given name: beside the id', async () => {
    const res = await run(['kb', 'test', '能开发票吗', '--kb', path.join(FIXTURES, 'knowledge/valid')])
    expect(res.stdout).toMatch(/^判定：采用 shop\.invoice（开发票）（分数 /)
    expect(res.stdout).toMatch(/^ {2}1\. shop\.invoice（开发票） {2}\d\.\d{3}$/m)
    const work = await makeWorkdir()
    const cases = path.join(work.dir, 'cases.json')
    await fs.writeFile(cases, JSON.stringify({ cases: [{ text: '怎么开票', expect: 'shop.invoice' }, { text: '几点上班', expect: 'shop.invoice' }] }))
    const evaluated = (await run(['kb', 'eval', '--kb', path.join(FIXTURES, 'knowledge/valid'), '--cases', cases, '--by-intent', '--failures'])).stdout
    expect(evaluated).toMatch(/^ {2}shop\.invoice（开发票）\s+\d+\.\d%\s+50\.0%\s+2\s+\d+$/m)
    expect(evaluated).toMatch(/^ {2}几点上班\s+shop\.invoice（开发票）\s+shop\.hours\s/m)
  })

  it('says unknown options and missing option values in Chinese', async () => {
    expect((await run(['kb', 'test', '你好', '--verbose'])).stderr).toMatch(/^qundesk: 不认识的选项 '--verbose'/)
    expect((await run(['kb', 'check', '--kb'])).stderr).toMatch(/^qundesk: 选项 '--kb' 后面缺少值\n/)
    expect((await run(['kb', 'frobnicate'])).stderr).toMatch(/^qundesk: 不认识的命令：kb frobnicate\n/)
  })
})

describe('qundesk kb eval', () => {
  it('prints exactly the contract keys as JSON', async () => {
    const res = await run(['kb', 'eval', '--kb', path.join(FIXTURES, 'kb-small-shop'), '--cases', path.join(FIXTURES, 'eval-cases/small-shop.json'), '--json'])
    expect(res.code).toBe(0)
    const report = JSON.parse(res.stdout)
    expect(report).toMatchObject({ positives: 5, negatives: 2 })
    for (const key of ['top1', 'accuracy', 'falseAccept']) expect(report[key]).toBeGreaterThanOrEqual(0)
    expect(report.top1).toBe(1)
    expect(report.falseAccept).toBe(0)
  })

  it('prints a readable report', async () => {
    const res = await run(['kb', 'eval', '--kb', path.join(FIXTURES, 'kb-small-shop'), '--cases', path.join(FIXTURES, 'eval-cases/small-shop.json')])
    expect(res.stdout).toMatch(/^首位命中 top1\s+100\.0%\s+\(5\/5\)$/m)
    expect(res.stdout).toMatch(/^误接 falseAccept\s+0\.0%\s+\(0\/2\)$/m)
    expect(res.stdout).toMatch(/^用例：5 条应答，2 条应转人工，\d+ 个意图$/m)
  })

  it('lists the wrong cases with --failures, and per-intent figures and confusions with --by-intent, also as JSON', async () => {
    const work = await makeWorkdir()
    const file = path.join(work.dir, 'cases.json')
    // 查物流 is accepted as logistics.track where invoice.issue was expected; a group band sends 客服几点上班 to a human.
    await fs.writeFile(file, JSON.stringify({ cases: [
      { text: '我的快递到哪了', expect: 'logistics.track' },
      { text: '我的快递到哪了', expect: 'invoice.issue' },
      { text: '你们几点上班', expect: 'service.hours', group: 'VIP客户群' },
      { text: '今天天气怎么样', expect: null },
    ] }))
    await fs.writeFile(path.join(work.kbDir, 'matching.yaml'), 'matching:\n  groups:\n    - match: VIP客户群\n      suggest: 0.99\n')
    const args = ['kb', 'eval', '--kb', work.kbDir, '--cases', file]
    const json = JSON.parse((await run([...args, '--failures', '--by-intent', '--json'])).stdout)
    expect(json).toMatchObject({ positives: 3, negatives: 1, accepted: 1, falseAccepts: 0 })
    expect(json.failures).toEqual([
      expect.objectContaining({ text: '我的快递到哪了', expected: 'invoice.issue', got: 'logistics.track', best: 'logistics.track', score: expect.any(Number) }),
      expect.objectContaining({ text: '你们几点上班', expected: 'service.hours', got: null, best: 'service.hours', threshold: 0.99, group: 'VIP客户群' }),
    ])
    expect(json.failures[0].runnerUp).toEqual(expect.any(String))
    expect(json.failures[0].runnerUpScore).toEqual(expect.any(Number))
    expect(json.byIntent).toEqual(expect.arrayContaining([
      { intentId: 'logistics.track', support: 1, predicted: 2, correct: 1, precision: 0.5, recall: 1 },
      { intentId: 'invoice.issue', support: 1, predicted: 0, correct: 0, precision: null, recall: 0 },
      { intentId: 'service.hours', support: 1, predicted: 0, correct: 0, precision: null, recall: 0 },
    ]))
    expect(json.confusions).toEqual([{ expected: 'invoice.issue', got: 'logistics.track', count: 1 }])
    // Without the flags, the JSON keeps to its contract keys.
    expect(Object.keys(JSON.parse((await run([...args, '--json'])).stdout))).not.toContain('failures')

    const text = (await run([...args, '--failures', '--by-intent'])).stdout
    expect(text).toMatch(/^答错的问题（2 条）：$/m)
    expect(text).toMatch(/^ {2}问题\s+应为\s+判为\s+分数\s+阈值\s+第二名\s+第二名分数$/m)
    expect(text).toMatch(/^ {2}你们几点上班\s+service\.hours\s+需人工（最像 service\.hours）\s+\d\.\d{3}\s+0\.99\s/m)
    expect(text).toMatch(/^ {2}意图\s+精确率\s+召回率\s+样本数\s+判为此意图$/m)
    expect(text).toMatch(/^ {2}logistics\.track\s+50\.0%\s+100\.0%\s+1\s+2$/m)
    expect(text).toMatch(/^ {2}invoice\.issue → logistics\.track {2}1 次$/m)
  })

  it('explains a malformed cases file and exits 1', async () => {
    const work = await makeWorkdir()
    const file = path.join(work.dir, 'cases.json')
    await fs.writeFile(file, '{"cases": [{"text": 1}]}')
    const res = await run(['kb', 'eval', '--cases', file])
    expect(res.code).toBe(1)
    expect(res.stderr).toBe(`${file}: cases[0].text 必须是非空的文字`)
  })
})

describe('qundesk rules check', () => {
  it('exits 0 for the shipped rules', async () => {
    const res = await run(['rules', 'check'])
    expect(res.code).toBe(0)
    expect(res.stdout).toMatch(/^OK：\d+ 条标签规则，\d+ 个动作，lifecycle \[新成员, 活跃, 沉默, 流失预警\]，schedule "0 3 \* \* \*"/)
  })

  it('exits 1 with file:line and the column of an unknown metric', async () => {
    const res = await run(['rules', 'check', '--rules', path.join(FIXTURES, 'rules/unknown-metric')])
    expect(res.code).toBe(1)
    expect(res.stderr).toContain(`${path.join(FIXTURES, 'rules/unknown-metric/lifecycle.yaml')}:7: tags[2].when: 不认识的指标 "mesages_30d"（第 1 列） — 你是不是想写 “messages_30d”？`)
  })
})

describe('qundesk user add and kb export-learned', () => {
  it('adds a console user with the password read from stdin, who can then log in', async () => {
    const work = await makeWorkdir()
    const child = execFile(process.execPath, [path.join(ROOT, 'bin/qundesk.js'), 'user', 'add', '老板', '--role', 'admin'], { env: { ...process.env, ...testEnv(work) } })
    child.stdin!.end('一个足够长的密码123\n')
    const out = await new Promise<string>((resolve, reject) => {
      let text = ''
      let errors = ''
      child.stdout!.on('data', (d) => { text += d })
      child.stderr!.on('data', (d) => { errors += d })
      child.on('close', (code) => (code === 0 ? resolve(text) : reject(new Error(`exit ${code}: ${errors}`))))
    })
    expect(out).toContain('已添加用户 老板（管理员）')
    const db = await openDb(loadConfig(testEnv(work)))
    try {
      const auth = createAuthService({ db, clock: () => new Date() })
      const { session } = await auth.login({ name: '老板', password: '一个足够长的密码123', ip: '127.0.0.1' })
      expect(session.user.role).toBe('admin')
      await expect(auth.login({ name: '老板', password: '一个足够长的密码12', ip: '127.0.0.1' })).rejects.toThrow('用户名或密码不正确')
    } finally {
      await db.destroy()
    }
  })

  it('refuses a short password with a clear message and exit 1', async () => {
    const work = await makeWorkdir()
    const err: string[] = []
    const io: CliIo = { stdout: () => {}, stderr: (t) => err.push(t), env: testEnv(work), cwd: ROOT, readPassword: async () => 'short' }
    expect(await runCli(['user', 'add', '小王'], io)).toBe(1)
    expect(err.join('\n')).toContain('密码至少 10 个字符')
  })

  it('refuses a blank, repeated or common password the same way', async () => {
    const work = await makeWorkdir()
    for (const [password, message] of [[' '.repeat(10), '全是空白'], ['aaaaaaaaaa', '重复'], ['password123', '常见']] as const) {
      const err: string[] = []
      const io: CliIo = { stdout: () => {}, stderr: (t) => err.push(t), env: testEnv(work), cwd: ROOT, readPassword: async () => password }
      expect(await runCli(['user', 'add', '小王'], io)).toBe(1)
      expect(err.join('\n')).toContain(message)
    }
  })

  it('exports the questions agents taught as YAML pointing at where each intent is defined', async () => {
    const work = await makeWorkdir()
    const db = await openDb(loadConfig(testEnv(work)))
    await insertLearnedExample(db, { intentId: 'returns.refund', text: '钱啥时候回到卡里', suggestionId: null, createdBy: '小王', createdAt: new Date().toISOString() })
    await db.destroy()
    const res = await run(['kb', 'export-learned', '--kb', work.kbDir], testEnv(work))
    expect(res.code).toBe(0)
    const parsed = parseYaml(res.stdout) as { learned: Array<{ id: string; defined_in: string; examples: string[] }> }
    expect(parsed.learned).toEqual([{ id: 'returns.refund', defined_in: expect.stringMatching(/shop\.yaml:\d+$/), examples: ['钱啥时候回到卡里'] }])
  })
})

describe('the qundesk binary', () => {
  it('runs from bin/ with --help (what npx qundesk runs)', async () => {
    const { stdout } = await execFileAsync(process.execPath, [path.join(ROOT, 'bin/qundesk.js'), '--help'])
    expect(stdout).toContain('qundesk kb eval')
  })

  it('refuses to start on a bad configuration with the fix, exit 1', async () => {
    const result: { code: number; stderr: string } = await execFileAsync(process.execPath, [path.join(ROOT, 'bin/qundesk.js'), 'start'], { env: { ...process.env, QUNDESK_PORT: 'abc' } })
      .then(() => ({ code: 0, stderr: '' }), (e: { code: number; stderr: string }) => e)
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('QUNDESK_PORT="abc" is not a port')
  })
})
