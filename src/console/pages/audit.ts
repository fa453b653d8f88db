import type { AuditView } from '../contract.js'
import { api } from './api.js'
import { AUDIT_IDS } from './audit.ids.js'
import { byId, formatTime, h, initChrome } from './dom.js'

const ACTIONS: Record<string, string> = {
  login: '登录', logout: '退出', 'login.failed': '登录失败', 'login.throttled': '登录被限流',
  'suggestion.sent': '发送', 'suggestion.edited': '编辑后发送', 'suggestion.auto_sent': '自动发送', 'suggestion.rejected': '拒绝',
  'suggestion.send_failed': '发送失败', 'suggestion.intent_fixed': '纠正意图',
  'learning.candidate_accepted': '采纳学习候选', 'learning.candidate_discarded': '丢弃学习候选',
  'user.added': '添加用户', 'user.updated': '修改用户', 'setting.changed': '修改设置',
  'member.tag_added': '添加标签', 'member.tag_removed': '移除标签', 'tags.retag': '重新计算标签', 'members.import': '导入成员资料',
  'suggestion.escalated': '升级人工',
}

initChrome()
const body = byId(AUDIT_IDS.table).querySelector('tbody')!
const more = byId<HTMLButtonElement>(AUDIT_IDS.more)
let before: number | undefined

async function load(): Promise<void> {
  const items = await api<AuditView[]>('GET', `/api/audit?limit=100${before ? `&before=${before}` : ''}`)
  body.append(...items.map((a) => h('tr', {},
    h('td', {}, formatTime(a.at)), h('td', {}, a.actor), h('td', {}, ACTIONS[a.action] ?? a.action),
    h('td', {}, `${a.subjectType} ${a.subjectId}`), h('td', { class: 'muted' }, JSON.stringify(a.detail)))))
  before = items.at(-1)?.id
  more.hidden = items.length < 100
}
more.addEventListener('click', () => void load())
void load()
