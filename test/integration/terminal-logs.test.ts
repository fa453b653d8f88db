import { spawn, spawnSync } from 'node:child_process'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { REPO_ROOT } from './run-qundesk.js'
import { makeWorkdir, testEnv } from './test-context.js'

/** `script` (util-linux) gives the child a pseudo-terminal, as a person running `npm start` has. */
const hasScript = spawnSync('script', ['--version'], { stdio: 'ignore' }).status === 0

/**
 * Runs the built `qundesk start` (demo) until its stdout matches `until`, then stops it; returns stdout with colours
 * and carriage returns removed. `tty`: under a pseudo-terminal.
 */
async function startUntil(env: Record<string, string>, until: RegExp, tty: boolean): Promise<string> {
  const bin = path.join(REPO_ROOT, 'bin/qundesk.js')
  const [command, args] = tty ? ['script', ['-qfec', `"${process.execPath}" "${bin}" start`, '/dev/null']] : [process.execPath, [bin, 'start']]
  const child = spawn(command, args as string[], { cwd: REPO_ROOT, env: { ...process.env, ...env }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${until}; stdout so far:\n${out}`)), 30_000)
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString('utf8')
        if (until.test(plain(out))) { clearTimeout(timer); resolve() }
      })
      child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`qundesk start exited (${code}):\n${out}`)) })
    })
  } finally {
    child.removeAllListeners('exit')
    // The process group: script and the qundesk under it.
    try { process.kill(-child.pid!, 'SIGTERM') } catch { /* already gone */ }
  }
  return plain(out)
}

// eslint-disable-next-line no-control-regex
const plain = (text: string) => text.replace(/\u001b\[[0-9;]*m/g, '').replace(/\r/g, '')

describe('qundesk start: what the terminal shows', () => {
  const envFor = async (extra: Record<string, string> = {}) => {
    const work = await makeWorkdir('../../knowledge')
    // Logs on; the demo's own token is fine (no QUNDESK_API_TOKEN needed), its newcomer joins 8 s after the start.
    return { ...testEnv(work, { QUNDESK_LOG_LEVEL: 'info', QUNDESK_DEMO_INTERVAL_SECONDS: '600' }), ...extra } as Record<string, string>
  }

  it('writes JSON lines when stdout is not a terminal, also when the demo newcomer joins', { timeout: 60_000 }, async () => {
    const out = await startUntil(await envFor(), /"msg":"group membership changed"/, false)
    const logLines = out.split('\n').filter((l) => l.startsWith('{'))
    expect(logLines.length).toBeGreaterThan(3)
    for (const l of logLines) expect(JSON.parse(l)).toMatchObject({ level: expect.any(Number), time: expect.any(Number), msg: expect.any(String) })
    expect(logLines.some((l) => JSON.parse(l).msg === 'QunDesk started')).toBe(true)
    // Wechaty's known mock-puppet quirk on a join is not a warning.
    expect(logLines.filter((l) => JSON.parse(l).level >= 40)).toEqual([])
  })

  it.skipIf(!hasScript)('writes short readable lines on a terminal, without the join noise', { timeout: 60_000 }, async () => {
    const out = await startUntil(await envFor(), /信息 group membership changed/, true)
    expect(out).toMatch(/^\d\d:\d\d:\d\d 信息 QunDesk started {2}url=http:\/\/127\.0\.0\.1:\d+ puppet=mock demo=true$/m)
    expect(out).not.toMatch(/^\{/m)
    expect(out).not.toMatch(/警告|错误|no payload found|\n\s+at /)
  })

  it.skipIf(!hasScript)('writes JSON on a terminal too when NODE_ENV=production', { timeout: 60_000 }, async () => {
    const out = await startUntil(await envFor({ NODE_ENV: 'production' }), /"msg":"QunDesk started"/, true)
    expect(out).toMatch(/^\{"level":30,"time":\d+,"app":"qundesk",.*"msg":"QunDesk started"\}$/m)
  })
})
