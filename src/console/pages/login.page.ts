import { escapeHtml } from './html.js'
import { LOGIN_IDS } from './login.ids.js'

/** The login page; `next` is where login.ts goes after signing in (a same-site path, checked by the route). */
export function renderLoginPage(options: { next: string; notice?: string }): string {
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>登录 · 群客服助手</title>
<link rel="stylesheet" href="/assets/app.css">
</head>
<body class="login-page">
<main>
<form id="${LOGIN_IDS.form}" class="card login" data-next="${escapeHtml(options.next)}">
  <h1>群客服助手</h1>
  <p class="muted">坐席与管理员登录</p>
  ${options.notice ? `<p class="notice">${escapeHtml(options.notice)}</p>` : ''}
  <label>用户名 <input name="name" autocomplete="username" required maxlength="64" autofocus></label>
  <label>密码 <input name="password" type="password" autocomplete="current-password" required maxlength="256"></label>
  <p id="${LOGIN_IDS.error}" class="error" role="alert" hidden></p>
  <button type="submit" class="primary">登录</button>
</form>
</main>
<script type="module" src="/assets/login.js"></script>
</body>
</html>`
}
