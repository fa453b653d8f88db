import { pino, type Logger, type DestinationStream } from 'pino'
import { maskPersonalData } from './mask-personal-data.js'
import { readableLogStream, type ReadableLogOptions } from './readable-log-line.js'

export type { Logger }

/** Keys whose values never reach a log line, wherever they appear. */
const REDACT = [
  'token', '*.token', 'apiToken', '*.apiToken', 'apiKey', '*.apiKey', 'password', '*.password', 'authorization', '*.authorization',
  'headers.authorization', 'req.headers.authorization', 'req.headers.cookie', 'cookie', '*.cookie',
  // The embedding provider's key (QUNDESK_EMBEDDINGS_API_KEY), should a config object ever be logged.
  'apiKey', '*.apiKey', '*.*.apiKey',
]

/**
 * Platform-assigned ids we log for correlation, left unmasked: WeCom MsgIds are 16–19 digit numbers that look
 * like order numbers, and a masked messageId/dedupeKey could no longer be matched to its row.
 */
const ID_KEYS = new Set(['id', 'messageId', 'suggestionId', 'groupId', 'memberId', 'chatId', 'callbackId', 'actionId', 'dedupeKey', 'msgId', 'reqId'])
/** Log objects are small; deeper values are rare and left as they are to keep logging cheap. */
const MAX_DEPTH = 4

export interface LoggerOptions {
  level?: string
  /** Where lines go; defaults to stdout. Tests pass a stream to read what was logged. */
  destination?: DestinationStream
  /**
   * Short human lines instead of JSON (a terminal in development; see readable-log-line.ts). Redaction and masking
   * happen before, so what is hidden in JSON is hidden here too.
   */
  readable?: ReadableLogOptions
}

/**
 * The process logger: JSON lines (pino) — or, with `readable`, short human lines — secrets redacted, phone numbers and order ids masked (PIPL: customers'
 * personal data stays out of log files). Modules take a child logger carrying their ids.
 *
 * @example
 * const log = createLogger({ level: 'info' }).child({ groupId })
 * log.warn({ text: '电话 13812345678' }, 'x')   // {"text":"电话 138****5678",...}
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const logger = pino(
    {
      level: options.level ?? 'info',
      redact: { paths: REDACT, censor: '[redacted]' },
      base: { app: 'qundesk' },
      // Masked before pino reads them: it takes the message from err.message when none is given.
      hooks: {
        logMethod(args, method) {
          for (let i = 0; i < args.length; i++) args[i] = maskValue(args[i], 0)
          return method.apply(this, args)
        },
      },
    },
    options.readable ? readableLogStream(options.destination ?? process.stdout, options.readable) : options.destination,
  )
  // pino applies a bindings formatter to the root only; children are created from the root (Object.create), so
  // they inherit this `child` and their bindings are masked at every level.
  const original = logger.child
  logger.child = function maskedChild(this: Logger, bindings, childOptions) {
    return original.call(this, maskValue(bindings, 0) as typeof bindings, childOptions)
  } as Logger['child']
  return logger
}

/** The value with personal data masked in its strings; the same reference when nothing changed (no copy). */
function maskValue(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return maskPersonalData(value)
  if (value === null || typeof value !== 'object' || depth >= MAX_DEPTH) return value
  if (value instanceof Error) return maskError(value, depth)
  if (Array.isArray(value)) {
    let out: unknown[] | undefined
    value.forEach((item, i) => {
      const masked = maskValue(item, depth + 1)
      if (masked !== item) (out ??= [...value])[i] = masked
    })
    return out ?? value
  }
  // Requests, Dates, Buffers and other class instances are left to pino's serializers.
  const proto = Object.getPrototypeOf(value) as unknown
  if (proto !== Object.prototype && proto !== null) return value
  let out: Record<string, unknown> | undefined
  for (const [key, item] of Object.entries(value)) {
    if (ID_KEYS.has(key)) continue
    const masked = maskValue(item, depth + 1)
    if (masked !== item) (out ??= { ...value })[key] = masked
  }
  return out ?? value
}

/** A copy of the error with masked message, stack, cause and fields; same prototype, so pino still names its type. */
function maskError(error: Error, depth: number): Error {
  let clone: Record<string, unknown> | undefined
  for (const key of Object.getOwnPropertyNames(error)) {
    const item = (error as unknown as Record<string, unknown>)[key]
    const masked = maskValue(item, depth + 1)
    if (masked === item) continue
    if (!clone) {
      clone = Object.create(Object.getPrototypeOf(error) as object) as Record<string, unknown>
      for (const k of Object.getOwnPropertyNames(error)) clone[k] = (error as unknown as Record<string, unknown>)[k]
    }
    clone[key] = masked
  }
  return (clone as unknown as Error | undefined) ?? error
}
