import type { ApiErrorBody, SessionView } from '../contract.js'
import { byId } from './dom.js'
import { LOGIN_IDS, safeNextPath } from './login.ids.js'
import { PASSWORD_PAGE_URL } from './password.ids.js'

const form = byId<HTMLFormElement>(LOGIN_IDS.form)
const error = byId<HTMLParagraphElement>(LOGIN_IDS.error)

form.addEventListener('submit', async (event) => {
  event.preventDefault()
  error.hidden = true
  const data = new FormData(form)
  const button = form.querySelector('button') as HTMLButtonElement
  button.disabled = true
  try {
    const response = await fetch('/api/session', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: String(data.get('name') ?? ''), password: String(data.get('password') ?? '') }),
    })
    if (response.ok) {
      // Checked again here: whatever the markup says, never leave this origin.
      const next = safeNextPath(form.dataset.next, location.origin)
      const session = (await response.json()) as SessionView
      // A one-time or reset password: straight to the change page (the server would redirect any page there).
      location.href = session.user.mustChangePassword ? `${PASSWORD_PAGE_URL}?next=${encodeURIComponent(next)}` : next
      return
    }
    const body = (await response.json().catch(() => ({}))) as Partial<ApiErrorBody>
    error.textContent = body.message ?? '登录失败'
    error.hidden = false
  } finally {
    button.disabled = false
  }
})
