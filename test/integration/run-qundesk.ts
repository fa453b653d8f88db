import { execFile } from 'node:child_process'
import path from 'node:path'

export const REPO_ROOT = path.resolve(import.meta.dirname, '../..')

/**
 * Runs the built `qundesk` (bin/qundesk.js, as npx runs it; `npm test` builds first) to its end, with the process
 * env plus `env` (logs silenced unless `env` sets QUNDESK_LOG_LEVEL), from the repo root. Never rejects: a failing
 * command is a result with its exit code.
 *
 * @example
 * const { code, stdout } = await runQundesk(['kb', 'eval', '--kb', dir, '--json'])
 */
export function runQundesk(args: readonly string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(REPO_ROOT, 'bin/qundesk.js'), ...args], { encoding: 'utf8', cwd: REPO_ROOT, env: { ...process.env, QUNDESK_LOG_LEVEL: 'silent', ...env } }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr })
    })
  })
}
