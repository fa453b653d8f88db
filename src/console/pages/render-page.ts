import type { Identity } from '../identity.js'
import { CHROME_IDS } from './chrome.ids.js'
import { escapeHtml } from './html.js'
import { PASSWORD_PAGE_URL } from './password.ids.js'

export type PageName = 'queue' | 'reports' | 'members' | 'member' | 'knowledge' | 'audit' | 'admin'

/** A signed-in page: its URL, who may open it, and its static skeleton, which `/assets/<page>.js` fills in. */
export interface PageDefinition {
  url: string
  page: PageName
  title: string
  body: string
  access: 'agent' | 'admin'
  /** Vendor scripts loaded before the page's own. */
  scripts?: string[]
  /** The section a sub-page highlights in the navigation. */
  nav?: PageName
}

const NAV: Array<{ page: PageName; href: string; label: string; admin?: boolean }> = [
  { page: 'queue', href: '/', label: '工作台' },
  { page: 'reports', href: '/reports', label: '报表' },
  { page: 'members', href: '/members', label: '成员' },
  { page: 'knowledge', href: '/knowledge', label: '知识库', admin: true },
  { page: 'audit', href: '/audit', label: '审计日志', admin: true },
  { page: 'admin', href: '/admin', label: '用户与设置', admin: true },
]

/**
 * The HTML shell of a console page: header, navigation for the user's role, the page's static skeleton and its
 * script. The CSRF token travels in a meta tag for the page's fetch calls.
 *
 * @example
 * reply.type('text/html').send(renderPage({ ...QUEUE_PAGE, identity }))
 */
export function renderPage(options: PageDefinition & { identity: Identity & { kind: 'session' }; utcOffsetMinutes?: number }): string {
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
<meta name="user-name" content="${escapeHtml(identity.name)}">
${options.utcOffsetMinutes === undefined ? '' : `<meta name="utc-offset-minutes" content="${Math.trunc(options.utcOffsetMinutes)}">\n`}<title>${escapeHtml(options.title)} · 群客服助手</title>
<link rel="stylesheet" href="/assets/app.css">
</head>
<body data-page="${options.page}">
<header class="topbar">
  <span class="brand">群客服助手 <small>QunDesk</small></span>
  <nav aria-label="主导航">${nav}</nav>
  <span class="me">${escapeHtml(identity.name)}（${identity.role === 'admin' ? '管理员' : '坐席'}）<a href="${PASSWORD_PAGE_URL}" class="link">修改密码</a><button type="button" id="${CHROME_IDS.logout}" class="link">退出</button></span>
</header>
<main id="${CHROME_IDS.main}">${options.body}</main>
${scripts}
</body>
</html>`
}
