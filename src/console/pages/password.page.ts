import { escapeHtml } from './html.js'
import { PASSWORD_IDS } from './password.ids.js'
import { MIN_PASSWORD } from '../../auth/password-policy.js'

/**
 * The change-password page, a card like the login page: no navigation, since while a change is due nothing else
 * answers. `required` says why the user is here; `next` is where password.ts goes afterwards (a same-site path,
 * checked by the route). The CSRF token travels in a meta tag, as on every signed-in page.
 */
export function renderPasswordPage(options: { name: string; csrfToken: string; required: boolean; next: string }): string {
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="csrf-token" content="${escapeHtml(options.csrfToken)}">
<title>修改密码 · 群客服助手</title>
<link rel="stylesheet" href="/assets/app.css">
</head>
<body class="login-page">
<main>
<form id="${PASSWORD_IDS.form}" class="card login" data-next="${escapeHtml(options.next)}">
  <h1>修改密码</h1>
  <p class="muted">当前用户：${escapeHtml(options.name)}</p>
  ${options.required ? '<p class="notice">这是一次性密码或管理员重置的密码：请先设置只有您自己知道的新密码，才能继续使用控制台。</p>' : ''}
  <input name="username" autocomplete="username" value="${escapeHtml(options.name)}" hidden>
  <label>当前密码 <input name="currentPassword" type="password" autocomplete="current-password" required maxlength="256" autofocus></label>
  <label>新密码 <input name="newPassword" type="password" autocomplete="new-password" required minlength="${MIN_PASSWORD}" maxlength="256"></label>
  <label>再次输入新密码 <input name="confirmPassword" type="password" autocomplete="new-password" required minlength="${MIN_PASSWORD}" maxlength="256"></label>
  <p class="muted">至少 ${MIN_PASSWORD} 个字符，不能是常见密码、重复或连续的字符。修改后，您在其他设备上的登录会退出。</p>
  <p id="${PASSWORD_IDS.error}" class="error" role="alert" hidden></p>
  <button type="submit" class="primary">修改密码</button>
  ${options.required ? `<button type="button" id="${PASSWORD_IDS.logout}" class="link">退出登录</button>` : '<a href="/">返回工作台</a>'}
</form>
</main>
<script type="module" src="/assets/password.js"></script>
</body>
</html>`
}
