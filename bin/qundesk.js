#!/usr/bin/env node
// Thin launcher: the compiled CLI lives in dist/ (built by `npm install` via the prepare script).
import { createInterface } from 'node:readline'
import v8 from 'node:v8'

/**
 * `qundesk start` runs for months with a small live heap (~50-80 MB at 1,000 groups and 1,000 intents) and bursts
 * of short-lived garbage (a member sync's puppet calls, a burst of messages). V8 sizes the next full GC from the
 * live heap times a growing factor of up to 4 on a machine with >= 2 GB of heap limit, so between full GCs the old
 * space filled with garbage to ~3x the live heap: a 1,000 x 50 member sync peaked at ~390 MB RSS, of which ~150 MB
 * was dead objects. A factor of 2 (what V8 itself uses for heaps under 2 GB) keeps that garbage to about one live
 * heap: the same sync peaked at ~270 MB (bench/scale-account-profile.md). It only makes full GCs come sooner
 * (concurrent marking); it caps nothing, so it cannot cause an out-of-memory. The flag is read at every full GC, so
 * setting it now, before anything else is loaded, is as good as on the command line; an operator's own
 * --heap-growing-percent (node option or NODE_OPTIONS) wins.
 */
const HEAP_GROWING_PERCENT = 100
const nodeFlags = [...process.execArgv, process.env.NODE_OPTIONS ?? ''].join(' ')
if (process.argv[2] === 'start' && !/heap[-_]growing[-_]percent/.test(nodeFlags)) v8.setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`)

const { runCli } = await import('../dist/cli.js')

/** Hidden prompt on a terminal; the first line of stdin when piped (`echo "$PW" | qundesk user add ...`). */
function readPassword(prompt) {
  return new Promise((resolve, reject) => {
    if (!process.stdin.isTTY) {
      let data = ''
      process.stdin.setEncoding('utf8')
      process.stdin.on('data', (chunk) => { data += chunk })
      process.stdin.on('end', () => resolve(data.split(/\r?\n/)[0] ?? ''))
      process.stdin.on('error', reject)
      return
    }
    const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true })
    rl._writeToOutput = (text) => { if (text.startsWith(prompt)) process.stdout.write(prompt) }
    rl.question(prompt, (answer) => {
      rl.close()
      process.stdout.write('\n')
      resolve(answer)
    })
  })
}

/** A visible one-line question on a terminal (members delete asks for the member's name). */
function confirm(prompt) {
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true })
    rl.question(prompt, (answer) => {
      rl.close()
      resolve(answer)
    })
  })
}

// `qundesk kb test ... | head` closes the pipe early: that is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0)
    throw error
  })
}

const io = {
  stdout: (text) => process.stdout.write(`${text}\n`),
  stderr: (text) => process.stderr.write(`${text}\n`),
  env: process.env,
  cwd: process.cwd(),
  readPassword,
  // Only a person at a terminal can confirm; piped or scripted runs must say --yes.
  ...(process.stdin.isTTY ? { confirm } : {}),
}
process.exitCode = await runCli(process.argv.slice(2), io)
