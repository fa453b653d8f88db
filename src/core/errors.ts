/** The few error codes QunDesk raises on purpose; anything else is wrapped as `internal` at a boundary. */
export type ErrorCode =
  | 'config_invalid'
  | 'knowledge_invalid'
  | 'rules_invalid'
  | 'not_found'
  | 'conflict'
  /** A decision taken on a version of a suggestion that has changed since (context.current: the item now). */
  | 'stale'
  /** A colleague's claim is in force on the suggestion; send again with takeOver (context.current). */
  | 'claimed_by_other'
  | 'unauthorized'
  | 'forbidden'
  | 'password_change_required'
  | 'too_many_requests'
  | 'bad_request'
  | 'channel_unavailable'
  | 'unknown_group'
  | 'internal'

/**
 * An error with a code callers can branch on and context for the logs.
 *
 * @example
 * throw new QunDeskError('conflict', '这条建议已被处理（已发送）', { suggestionId: 7 })
 */
export class QunDeskError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly context: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options)
    this.name = 'QunDeskError'
  }
}

/** Wraps an unknown throw at a boundary so handlers deal with one shape. */
export function asQunDeskError(error: unknown, context: Record<string, unknown> = {}): QunDeskError {
  if (error instanceof QunDeskError) return error
  const message = error instanceof Error ? error.message : String(error)
  return new QunDeskError('internal', message, context, { cause: error })
}
