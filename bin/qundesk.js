#!/usr/bin/env node
// Thin launcher: the compiled CLI lives in dist/ (built by `npm install` via the prepare script).
import { createInterface } from 'node:readline'
import { runCli } from '../dist/cli.js'

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
