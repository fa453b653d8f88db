import type { Identity } from '../identity.js'
import { escapeHtml } from './html.js'

export type PageName = 'queue' | 'reports' | 'members' | 'member' | 'audit' | 'admin'

const NAV: Array<{ page: PageName; href: string; label: string; admin?: boolean }> = [
  { page: 'queue', href: '/', label: '工作台' },
  { page: 'reports', href: '/reports', label: '报表' },
  { page: 'members', href: '/members', label: '成员' },
  { page: 'audit', href: '/audit', label: '审计日志', admin: true },
  { page: 'admin', href: '/admin', label: '用户与设置', admin: true },
]

/**
 * The HTML shell of a console page: header, navigation for the user's role, the page's static skeleton and its
 * script. The CSRF token travels in a meta tag for the page's fetch calls.
 *
 * @example
 * reply.type('text/html').send(renderPage({ page: 'queue', title: '工作台', identity, body: QUEUE_BODY }))
 * // A sub-page highlights its section: renderPage({ page: 'member', nav: 'members', ... })
 */
export function renderPage(options: { page: PageName; title: string; identity: Identity & { kind: 'session' }; body: string; scripts?: string[]; nav?: PageName }): string {
  const { identity } = options
  const nav = NAV.filter((n) => !n.admin || identity.role === 'admin')
    .map((n) => `<a href="${n.href}"${n.page === (options.nav ?? options.page) ? ' aria-current="page"' : ''}>${n.label}</a>`)
    .join('')
  const scripts = [...(options.scripts ?? []), `/assets/${options.page}.js`]
    .map((src) => (src.endsWith('.js') && !src.includes('.umd') && !src.includes('.global') ? `<script type="module" src="${src}"></script>` : `<script src="${src}"></script>`))
    .join('\n')
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="csrf-token" content="${escapeHtml(identity.csrfToken)}">
<meta name="user-role" content="${identity.role}">
<title>${escapeHtml(options.title)} · 群客服助手</title>
<link rel="stylesheet" href="/assets/app.css">
</head>
<body data-page="${options.page}">
<header class="topbar">
  <span class="brand">群客服助手 <small>QunDesk</small></span>
  <nav aria-label="主导航">${nav}</nav>
  <span class="me">${escapeHtml(identity.name)}（${identity.role === 'admin' ? '管理员' : '坐席'}）<button type="button" id="logout" class="link">退出</button></span>
</header>
<main id="main">${options.body}</main>
${scripts}
</body>
</html>`
}

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
<form id="login-form" class="card login" data-next="${escapeHtml(options.next)}">
  <h1>群客服助手</h1>
  <p class="muted">坐席与管理员登录</p>
  ${options.notice ? `<p class="notice">${escapeHtml(options.notice)}</p>` : ''}
  <label>用户名 <input name="name" autocomplete="username" required maxlength="64" autofocus></label>
  <label>密码 <input name="password" type="password" autocomplete="current-password" required maxlength="256"></label>
  <p id="login-error" class="error" role="alert" hidden></p>
  <button type="submit" class="primary">登录</button>
</form>
</main>
<script type="module" src="/assets/login.js"></script>
</body>
</html>`
}
