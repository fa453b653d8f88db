import { Writable } from 'node:stream'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createLogger } from '../../../src/core/logger.js'
import { formatLogLine, terminalSafe } from '../../../src/core/readable-log-line.js'

const CHINA = { utcOffsetMinutes: 480 }
/** 2026-12-03 09:02:03 in China. */
const TIME = Date.UTC(2026, 11, 3, 1, 2, 3)
const line = (entry: Record<string, unknown>) => JSON.stringify({ level: 30, time: TIME, app: 'qundesk', pid: 1, hostname: 'h', ...entry })
// eslint-disable-next-line no-control-regex
const TERMINAL_CONTROL = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/

describe('formatLogLine', () => {
  it('turns a JSON line into time, level in Chinese, message and the fields', () => {
    expect(formatLogLine(line({ msg: 'knowledge loaded', knowledgeDir: '/srv/knowledge', intents: 38 }), CHINA))
      .toBe('09:02:03 信息 knowledge loaded  knowledgeDir=/srv/knowledge intents=38')
    expect(formatLogLine(line({ level: 40, msg: 'x', account: '客服助手', changes: ['+新成员'], note: 'two words' }), CHINA))
      .toBe('09:02:03 警告 x  account=客服助手 changes=["+新成员"] note="two words"')
  })

  it('gives a warning its error in one line, and an error a few stack frames', () => {
    const err = { type: 'GError', message: 'no payload found', stack: `Error: no payload found\n${Array.from({ length: 9 }, (_, i) => `    at frame${i} (file.js:${i}:1)`).join('\n')}` }
    expect(formatLogLine(line({ level: 40, msg: 'wechaty reported an error', err }), CHINA))
      .toBe('09:02:03 警告 wechaty reported an error  err=GError: no payload found')
    expect(formatLogLine(line({ level: 50, msg: 'failed', err }), CHINA).split('\n')).toEqual([
      '09:02:03 错误 failed  err=GError: no payload found',
      '    at frame0 (file.js:0:1)', '    at frame1 (file.js:1:1)', '    at frame2 (file.js:2:1)', '    at frame3 (file.js:3:1)',
    ])
  })

  it('removes escape sequences and shows control and bidi characters, so logged text cannot drive the terminal', () => {
    const hostile = 'a\u001b[2J\u001b]0;pwned\u0007b\u001b]8;;http://x\u001b\\c\u009b31md\u202eevil\u2066\nFAKE 09:00:00 错误 x\r\u0000'
    const out = formatLogLine(line({ msg: hostile, text: hostile, [`k\u001b[31m`]: 1 }), CHINA)
    expect(out).not.toMatch(TERMINAL_CONTROL)
    expect(out.split('\n')).toHaveLength(1)
    expect(out).toContain('abcd\\u202eevil\\u2066\\nFAKE 09:00:00 错误 x\\r\\u0000')
    expect(terminalSafe('红色\u001b[31m!\n')).toBe('红色!\\n')
  })

  it('keeps any input on its own lines without terminal controls (colours only its own)', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), (msg, key, value) => {
      for (const input of [line({ level: 50, msg, [key]: value, err: { type: value, message: msg, stack: `${msg}\n    at ${value}` } }), msg]) {
        const plain = formatLogLine(input, CHINA)
        for (const l of plain.split('\n')) expect(l).not.toMatch(TERMINAL_CONTROL)
        // eslint-disable-next-line no-control-regex
        const coloured = formatLogLine(input, { ...CHINA, color: true }).replace(/\u001b\[[0-9;]*m/g, '')
        expect(coloured).toBe(plain)
      }
    }), { numRuns: 150, seed: 0x10920 })
  })

  it('prints a line that is not pino JSON as it came, made safe', () => {
    expect(formatLogLine('plain \u001b[31mtext\n')).toBe('plain text')
  })

  it('clips long values and messages by characters, never inside one', () => {
    const out = formatLogLine(line({ msg: '问'.repeat(600), text: '答'.repeat(300) }), CHINA)
    expect(out).toContain(`${'问'.repeat(499)}…`)
    expect(out).toContain(`text=${'答'.repeat(119)}…`)
  })
})

describe('createLogger({ readable })', () => {
  it('writes readable lines with secrets redacted and personal data masked, as in JSON', () => {
    const lines: string[] = []
    const destination = new Writable({ write(chunk, _enc, done) { lines.push(String(chunk)); done() } })
    const log = createLogger({ readable: CHINA, destination: destination as never })
    log.child({ groupId: 'g1@chatroom' }).warn({ token: 'sk-secret', text: '电话 13812345678' }, '客户 13812345678 来了')
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(/^\d\d:\d\d:\d\d 警告 客户 138\*\*\*\*5678 来了 {2}groupId=g1@chatroom token=\[redacted\] text="电话 138\*\*\*\*5678"\n$/)
    expect(lines[0]).not.toContain('sk-secret')
  })
})
