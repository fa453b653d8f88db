import type { ApiErrorBody } from '../contract.js'
import { PASSWORD_PAGE_URL } from './password.ids.js'

/** Fetch wrapper for the console: JSON in and out, the CSRF header on every change, errors with the server's message. */
const csrfToken = document.querySelector<HTMLMetaElement>('meta[name="csrf-token"]')?.content ?? ''

export class ApiError extends Error {
  /** `body`: the whole error answer (a 409 on a suggestion carries the item as it is now: SuggestionConflictBody). */
  constructor(readonly status: number, readonly code: string, message: string, readonly body?: unknown) {
    super(message)
  }
}

export async function api<T>(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' }
  if (method !== 'GET') headers['x-csrf-token'] = csrfToken
  if (body !== undefined) headers['content-type'] = 'application/json'
  const response = await fetch(url, { method, headers, credentials: 'same-origin', ...(body !== undefined ? { body: JSON.stringify(body) } : {}) })
  if (response.status === 401) {
    location.href = `/login?next=${encodeURIComponent(location.pathname + location.search)}`
    throw new ApiError(401, 'unauthorized', '登录已过期')
  }
  const text = await response.text()
  const data = text ? (JSON.parse(text) as unknown) : undefined
  if (!response.ok) {
    const err = (data ?? {}) as Partial<ApiErrorBody>
    // An admin reset the password while this page was open: the server answers nothing until it is changed.
    if (err.error === 'password_change_required') location.href = `${PASSWORD_PAGE_URL}?next=${encodeURIComponent(location.pathname + location.search)}`
    throw new ApiError(response.status, err.error ?? 'error', err.message ?? `请求失败（${response.status}）`, data)
  }
  return data as T
}
