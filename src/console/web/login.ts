const form = document.getElementById('login-form') as HTMLFormElement
const error = document.getElementById('login-error') as HTMLParagraphElement

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
      location.href = form.dataset.next || '/'
      return
    }
    const body = (await response.json().catch(() => ({}))) as { message?: string }
    error.textContent = body.message ?? '登录失败'
    error.hidden = false
  } finally {
    button.disabled = false
  }
})
