import type { ErrorCode } from '../core/errors.js'

/** How each QunDesk error code surfaces over HTTP. */
export const HTTP_STATUS: Record<ErrorCode, number> = {
  config_invalid: 500,
  knowledge_invalid: 422,
  rules_invalid: 422,
  not_found: 404,
  conflict: 409,
  stale: 409,
  claimed_by_other: 409,
  unauthorized: 401,
  forbidden: 403,
  password_change_required: 403,
  too_many_requests: 429,
  bad_request: 400,
  channel_unavailable: 503,
  unknown_group: 502,
  internal: 500,
}
