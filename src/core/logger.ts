import { pino, type Logger, type DestinationStream } from 'pino'

export type { Logger }

/** Keys whose values never reach a log line, wherever they appear. */
const REDACT = [
  'token', '*.token', 'apiToken', '*.apiToken', 'password', '*.password', 'authorization', '*.authorization',
  'headers.authorization', 'req.headers.authorization', 'req.headers.cookie', 'cookie', '*.cookie',
]

export interface LoggerOptions {
  level?: string
  /** Where lines go; defaults to stdout. Tests pass a stream to read what was logged. */
  destination?: DestinationStream
}

/**
 * The process logger: JSON lines (pino), secrets redacted. Modules take a child logger carrying their ids.
 *
 * @example
 * const log = createLogger({ level: 'info' }).child({ groupId })
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  return pino(
    { level: options.level ?? 'info', redact: { paths: REDACT, censor: '[redacted]' }, base: { app: 'qundesk' } },
    options.destination,
  )
}
