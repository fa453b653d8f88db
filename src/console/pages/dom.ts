import { CHROME_IDS } from './chrome.ids.js'

type Child = Node | string | number | null | undefined | false

/**
 * Builds an element with attributes and children. Text always goes in as text nodes, never as HTML, so customer
 * messages cannot inject markup.
 */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string | number | boolean | undefined | ((e: Event) => void)> = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag)
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue
    if (typeof value === 'function') el.addEventListener(key.replace(/^on/, ''), value)
    else if (value === true) el.setAttribute(key, '')
    else el.setAttribute(key, String(value))
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue
    el.append(child instanceof Node ? child : document.createTextNode(String(child)))
  }
  return el
}

/** The element with this id (pass a constant from the page's *.ids.ts); a missing one is a bug, so it throws. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id)
  if (!el) throw new Error(`missing element #${id}`)
  return el as T
}

let toastTimer: number | undefined
export function toast(message: string, kind: 'info' | 'error' = 'info'): void {
  document.querySelector('.toast')?.remove()
  const el = h('div', { class: `toast ${kind}`, role: kind === 'error' ? 'alert' : 'status' }, message)
  document.body.append(el)
  window.clearTimeout(toastTimer)
  toastTimer = window.setTimeout(() => el.remove(), 4000)
}

/** "刚刚", "3 分钟", "1 小时 5 分钟" */
export function formatWait(ms: number): string {
  const minutes = Math.floor(ms / 60000)
  if (minutes < 1) return '刚刚'
  if (minutes < 60) return `${minutes} 分钟`
  const hours = Math.floor(minutes / 60)
  if (hours < 48) return `${hours} 小时${minutes % 60 ? ` ${minutes % 60} 分钟` : ''}`
  return `${Math.floor(hours / 24)} 天`
}

/** The server's UTC offset in minutes (the page shell's meta tag), or undefined: then the browser's own zone. */
function serverOffsetMinutes(): number | undefined {
  const content = document.querySelector<HTMLMetaElement>('meta[name="utc-offset-minutes"]')?.content
  return content !== undefined && content !== '' && Number.isFinite(Number(content)) ? Number(content) : undefined
}

/**
 * "12-03 16:37" in the server's time zone (QUNDESK_UTC_OFFSET), so every agent reads the times the reports and
 * reminders use, whatever zone their browser (or a headless one in UTC) is set to.
 */
export function formatTime(iso: string): string {
  const offset = serverOffsetMinutes()
  const pad = (n: number) => String(n).padStart(2, '0')
  if (offset === undefined) {
    const d = new Date(iso)
    return `${d.getMonth() + 1}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`
  }
  const d = new Date(Date.parse(iso) + offset * 60_000)
  return `${d.getUTCMonth() + 1}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`
}

export function percent(score: number | null): string {
  return score === null ? '—' : `${Math.round(score * 100)}%`
}

/** Wires the logout button every page has. */
export function initChrome(): void {
  document.getElementById(CHROME_IDS.logout)?.addEventListener('click', async () => {
    const { api } = await import('./api.js')
    await api('DELETE', '/api/session').catch(() => undefined)
    location.href = '/login'
  })
}
