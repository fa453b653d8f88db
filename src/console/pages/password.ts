import type { ApiErrorBody, PasswordChangeRequest } from '../contract.js'
import { byId } from './dom.js'
import { safeNextPath } from './login.ids.js'
import { PASSWORD_IDS } from './password.ids.js'

const form = byId<HTMLFormElement>(PASSWORD_IDS.form)
const error = byId<HTMLParagraphElement>(PASSWORD_IDS.error)
const csrfToken = document.querySelector<HTMLMetaElement>('meta[name="csrf-token"]')?.content ?? ''

function show(message: string): void {
  error.textContent = message
  error.hidden = false
}

form.addEventListener('submit', async (event) => {
  event.preventDefault()
  error.hidden = true
  const data = new FormData(form)
  const field = (name: string) => String(data.get(name) ?? '')
  // Checked here only to spare a round trip for a typo; the server applies the real rules.
  if (field('newPassword') !== field('confirmPassword')) return show('两次输入的新密码不一致')
  const button = form.querySelector<HTMLButtonElement>('button[type="submit"]')!
  button.disabled = true
  try {
    const body: PasswordChangeRequest = { currentPassword: field('currentPassword'), newPassword: field('newPassword') }
    const response = await fetch('/api/session/password', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-csrf-token': csrfToken },
      credentials: 'same-origin',
      body: JSON.stringify(body),
    })
    if (response.ok) {
      location.href = safeNextPath(form.dataset.next, location.origin)
      return
    }
    if (response.status === 401) {
      location.href = `/login?next=${encodeURIComponent(location.pathname + location.search)}`
      return
    }
    const failure = (await response.json().catch(() => ({}))) as Partial<ApiErrorBody>
    show(failure.message ?? '修改失败')
  } finally {
    button.disabled = false
  }
})

document.getElementById(PASSWORD_IDS.logout)?.addEventListener('click', async () => {
  await fetch('/api/session', { method: 'DELETE', headers: { 'x-csrf-token': csrfToken }, credentials: 'same-origin' }).catch(() => undefined)
  location.href = '/login'
})
