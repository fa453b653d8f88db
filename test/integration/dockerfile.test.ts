import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { onPostgres } from '../support/test-database.js'

// No container engine runs here, so the image is checked by replaying its Dockerfile: each stage's COPY lines
// into an empty folder (minus .dockerignore), then its build and start commands. `npm ci` itself is what .ci/run
// installs with; here node_modules is linked from the checkout instead of downloaded again.
const ROOT = path.resolve(import.meta.dirname, '../..')
const dockerfile = fs.readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8')
const ignored = fs.readFileSync(path.join(ROOT, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'))
const stages = dockerfile.split(/^FROM /m).slice(1)
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'qundesk-image-'))
afterAll(() => fs.rmSync(work, { recursive: true, force: true }))

/** Every `COPY` of a stage as [sources, destination], `--from=` ones marked. */
function copies(stage: string): Array<{ from?: string; sources: string[]; dest: string }> {
  return [...stage.matchAll(/^COPY (--from=(\S+) )?(.+)$/gm)].map((m) => {
    const parts = m[3]!.trim().split(/\s+/)
    return { ...(m[2] ? { from: m[2] } : {}), sources: parts.slice(0, -1), dest: parts[parts.length - 1]! }
  })
}

/** .dockerignore applies to the build context only, not to `COPY --from` another stage. */
function copyInto(sourceRoot: string, sources: string[], destRoot: string, dest: string, context = true): void {
  for (const source of sources) {
    const from = path.join(sourceRoot, source)
    expect(fs.existsSync(from), `COPY ${source}: missing from the build context`).toBe(true)
    const target = dest.endsWith('/') || sources.length > 1 ? path.join(destRoot, dest, path.basename(source)) : path.join(destRoot, dest)
    fs.cpSync(from, target, { recursive: true, filter: (p) => !context || !ignored.some((pattern) => path.relative(sourceRoot, p).split(path.sep).includes(pattern)) })
  }
}

function run(cwd: string, args: string[], env: NodeJS.ProcessEnv) {
  return spawnSync(process.execPath, args, { cwd, env, encoding: 'utf8', timeout: 120_000 })
}

// It builds no database: the SQLite pass runs it once.
describe.skipIf(onPostgres())('the Docker image, replayed from its Dockerfile', () => {
  it('builds from the files the build stage copies (nothing else of the checkout)', () => {
    const build = path.join(work, 'build')
    fs.mkdirSync(build)
    for (const c of copies(stages[0]!)) copyInto(ROOT, c.sources, build, c.dest)
    expect(stages[0]).toMatch(/^RUN npm ci && npm prune --omit=dev$/m)
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(build, 'node_modules'), 'dir')
    // npm ci runs the prepare script: the build.
    const prepare = JSON.parse(fs.readFileSync(path.join(build, 'package.json'), 'utf8')).scripts.prepare
    expect(prepare).toBe('npm run build')
    const built = spawnSync('npm', ['run', 'build'], { cwd: build, encoding: 'utf8', timeout: 240_000 })
    expect(built.status, built.stdout + built.stderr).toBe(0)
    for (const file of ['dist/main.js', 'dist/cli.js', 'dist/web/console/pages/queue.js', 'dist/console/pages/app.css']) {
      expect(fs.existsSync(path.join(build, file)), file).toBe(true)
    }
  }, 300_000)

  it('runs as the node user with a health check, and its own defaults refuse a public demo with the fix', () => {
    const runtime = stages[1]!
    expect(runtime).toMatch(/^USER node$/m)
    expect(runtime).toMatch(/^HEALTHCHECK /m)
    const image = path.join(work, 'image')
    fs.mkdirSync(image)
    // `COPY --from=build /app/x` reads the build stage's WORKDIR (/app), i.e. the folder the first test built in.
    for (const c of copies(runtime)) {
      if (c.from) copyInto(path.join(work, 'build'), c.sources.map((s) => s.replace(/^\/app\//, '')), image, c.dest, false)
      else copyInto(ROOT, c.sources, image, c.dest)
    }
    const env = Object.fromEntries([...runtime.matchAll(/^\s*(?:ENV )?(QUNDESK_\w+|NODE_ENV)=(\S+?)\s*\\?$/gm)].map((m) => [m[1]!, m[2]!.replace('/app/', `${image}/`)]))
    const base = { PATH: process.env.PATH, HOME: os.tmpdir(), ...env, QUNDESK_DATA_DIR: path.join(work, 'data') }
    const check = run(image, ['bin/qundesk.js', 'kb', 'check'], base)
    expect(check.status, check.stdout + check.stderr).toBe(0)
    const start = run(image, ['bin/qundesk.js', 'start'], base)
    expect(start.status).toBe(1)
    expect(start.stdout + start.stderr).toMatch(/WECHATY_PUPPET=wechaty-puppet-service/)
  }, 120_000)
})
