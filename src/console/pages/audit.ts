import type { AuditView } from '../contract.js'
import { api } from './api.js'
import { AUDIT_IDS } from './audit.ids.js'
import { byId, formatTime, h, initChrome } from './dom.js'

initChrome()
const body = byId(AUDIT_IDS.table).querySelector('tbody')!
const more = byId<HTMLButtonElement>(AUDIT_IDS.more)
let before: number | undefined

async function load(): Promise<void> {
  const items = await api<AuditView[]>('GET', `/api/audit?limit=100${before ? `&before=${before}` : ''}`)
  body.append(...items.map((a) => h('tr', {},
    h('td', { class: 'nowrap' }, formatTime(a.at)), h('td', {}, a.actorLabel), h('td', {}, a.actionLabel),
    h('td', { class: 'wrap' }, a.subjectLabel),
    h('td', { class: 'wrap muted' }, ...a.detailLines.map(([label, text]) => h('div', {}, `${label}：${text}`))))))
  before = items.at(-1)?.id
  more.hidden = items.length < 100
}
more.addEventListener('click', () => void load())
void load()
