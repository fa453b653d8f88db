/**
 * Short human lines for a terminal, from pino's JSON lines: `09:02:03 警告 message  key=value …`. Only for someone
 * watching `npm start`; files, pipes and production keep the JSON (see createLogger's `readable`).
 */

export interface ReadableLogOptions {
  /** Minutes east of UTC for the clock shown (QUNDESK_UTC_OFFSET_MINUTES); the machine's local time when absent. */
  utcOffsetMinutes?: number
  /** Colour the level and dim the fields (ANSI); only our own escapes, never the logged text's. */
  color?: boolean
}

const LEVELS: Readonly<Record<number, { word: string; color: string }>> = {
  10: { word: '跟踪', color: '90' },
  20: { word: '调试', color: '90' },
  30: { word: '信息', color: '36' },
  40: { word: '警告', color: '33' },
  50: { word: '错误', color: '31' },
  60: { word: '致命', color: '41;97' },
}
/** pino's own keys and our base binding: on every line, saying nothing to a reader. */
const HIDDEN_KEYS = new Set(['level', 'time', 'msg', 'app', 'pid', 'hostname', 'v'])
const MAX_FIELDS = 8
const MAX_VALUE_CHARS = 120
const MAX_MESSAGE_CHARS = 500
/** Stack frames shown under an error (not a warning): where it happened, not the whole trace. */
const STACK_FRAMES = 4

// ANSI/VT sequences a logged value may carry (a customer's message, a library's coloured error): CSI, OSC (titles,
// hyperlinks), DCS/PM/APC strings, and two-character ESC sequences, 7-bit and 8-bit forms.
// eslint-disable-next-line no-control-regex
const ANSI_SEQUENCE = /(?:\u001b\[|\u009b)[0-?]*[ -/]*[@-~]|(?:\u001b[\]PX^_]|[\u0090\u009d\u009e\u009f])[^\u0007\u001b\u009c]*(?:\u0007|\u001b\\|\u009c)?|\u001b[ -/]*[0-~]/g
// Whatever control is left (C0, DEL, C1), and Unicode that reorders or splits what a terminal shows: bidi overrides
// and isolates, line/paragraph separators.
// eslint-disable-next-line no-control-regex
const UNSAFE_CHAR = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g

/**
 * Text safe to print on a terminal, on one line: escape sequences removed, other control and bidi characters shown
 * as `\n`, `\u202e`, ….
 *
 * @example
 * terminalSafe('红色\u001b[31m!\n') // '红色!\\n'
 */
export function terminalSafe(text: string): string {
  return text.replace(ANSI_SEQUENCE, '').replace(UNSAFE_CHAR, (c) => {
    if (c === '\n') return '\\n'
    if (c === '\t') return '\\t'
    if (c === '\r') return '\\r'
    return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`
  })
}

/**
 * One pino JSON line as a short human line (and, for errors, a few indented stack frames). A line that is not
 * pino's JSON is printed as it came, made terminal-safe.
 *
 * @example
 * formatLogLine('{"level":40,"time":0,"msg":"reconnect failed","attempt":2}', { utcOffsetMinutes: 480 })
 * // '08:00:00 警告 reconnect failed  attempt=2'
 */
export function formatLogLine(line: string, options: ReadableLogOptions = {}): string {
  let entry: Record<string, unknown>
  try {
    const parsed = JSON.parse(line) as unknown
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object')
    entry = parsed as Record<string, unknown>
  } catch {
    return terminalSafe(clip(line.replace(/\r?\n$/, ''), MAX_MESSAGE_CHARS))
  }
  const paint = (codes: string, text: string) => (options.color ? `\u001b[${codes}m${text}\u001b[0m` : text)
  const levelNumber = typeof entry.level === 'number' ? entry.level : 30
  const level = LEVELS[levelNumber] ?? { word: String(entry.level), color: '0' }
  const time = typeof entry.time === 'number' ? clock(entry.time, options.utcOffsetMinutes) : '--:--:--'
  const message = typeof entry.msg === 'string' ? entry.msg : ''

  const fields: string[] = []
  let stack: string[] = []
  for (const [key, value] of Object.entries(entry)) {
    if (HIDDEN_KEYS.has(key) || value === undefined) continue
    if (key === 'err' && value !== null && typeof value === 'object') {
      const err = value as { type?: unknown; message?: unknown; stack?: unknown }
      const name = typeof err.type === 'string' ? err.type : 'Error'
      const errMessage = typeof err.message === 'string' ? err.message : ''
      // Shown in full (it is what went wrong) but on this line; the frames only under errors.
      fields.push(`err=${name}: ${clip(errMessage, MAX_VALUE_CHARS * 2)}`)
      if (levelNumber >= 50 && typeof err.stack === 'string') {
        stack = err.stack.split('\n').filter((l) => /^\s+at /.test(l)).slice(0, STACK_FRAMES).map((l) => `    ${clip(l.trim(), MAX_VALUE_CHARS * 2)}`)
      }
      continue
    }
    if (fields.length < MAX_FIELDS) fields.push(`${key}=${clip(renderValue(value), MAX_VALUE_CHARS)}`)
  }
  const head = `${paint('2', time)} ${paint(level.color, level.word)} ${terminalSafe(clip(message, MAX_MESSAGE_CHARS))}`
  const tail = fields.length > 0 ? `  ${paint('2', terminalSafe(fields.join(' ')))}` : ''
  return [head + tail, ...stack.map((l) => paint('2', terminalSafe(l)))].join('\n')
}

/**
 * A pino destination writing each JSON line to `out` as a readable line.
 *
 * @example
 * pino({}, readableLogStream(process.stdout, { color: true }))
 */
export function readableLogStream(out: { write(text: string): unknown }, options: ReadableLogOptions = {}): { write(line: string): void } {
  return {
    write(line) {
      out.write(`${formatLogLine(line, options)}\n`)
    },
  }
}

function renderValue(value: unknown): string {
  if (typeof value === 'string') {
    // Made safe before quoting, so an escape sequence is removed rather than shown as \u001b[31m.
    const safe = terminalSafe(value)
    return /^[^\s"=]+$/u.test(safe) ? safe : `"${safe.replace(/"/g, '\\"')}"`
  }
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value)
  return JSON.stringify(value) ?? String(value)
}

/** At most `max` characters (code points, so a Chinese or emoji character is never cut in half). */
function clip(text: string, max: number): string {
  const chars = [...text]
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`
}

function clock(ms: number, utcOffsetMinutes: number | undefined): string {
  const date = new Date(utcOffsetMinutes === undefined ? ms : ms + utcOffsetMinutes * 60_000)
  const parts = utcOffsetMinutes === undefined
    ? [date.getHours(), date.getMinutes(), date.getSeconds()]
    : [date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds()]
  return parts.map((n) => String(n).padStart(2, '0')).join(':')
}
