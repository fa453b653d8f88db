import type { MemberAttributes, MemberDetailView, MemberTag, TagsView } from '../contract.js'
import { api, ApiError } from './api.js'
import { byId, formatTime, h, initChrome, toast } from './dom.js'
import { MEMBER_IDS } from './member.ids.js'
import { joinedText, lifecycleChip, RULE_TAG_HINT, tagChip } from './member-tags.js'

type Membership = MemberDetailView['memberships'][number]

initChrome()
const memberId = decodeURIComponent(location.pathname.replace(/^\/members\//, ''))
/** 中文说明 of each metric, from the server (src/tagging/metrics.ts). */
const METRIC_LABELS = JSON.parse(document.getElementById(MEMBER_IDS.metricLabels)?.textContent ?? '{}') as Record<string, string>
let declaredManualTags: string[] = []

function formatValue(value: unknown): string {
  if (value === null || value === undefined) return '未知'
  if (typeof value === 'boolean') return value ? '是' : '否'
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : value.toFixed(2)
  return String(value)
}

async function change(work: () => Promise<MemberDetailView>, done: string, error?: HTMLElement): Promise<boolean> {
  try {
    render(await work())
    toast(done)
    return true
  } catch (e) {
    const message = e instanceof ApiError ? e.message : String(e)
    if (error) {
      error.textContent = message
      error.hidden = false
    } else toast(message, 'error')
    return false
  }
}

const tagsPath = (m: Membership) => `/api/members/${encodeURIComponent(m.memberId)}/tags`

function tagList(m: Membership): HTMLElement {
  const rule = m.tags.filter((t) => t.source === 'rule')
  const manual = m.tags.filter((t) => t.source === 'manual')
  const removable = (t: MemberTag) => h('li', {}, tagChip(t),
    h('button', {
      type: 'button', class: 'link', 'aria-label': `移除手动标签「${t.tag}」`,
      onclick: () => void change(() => api('DELETE', `${tagsPath(m)}/${encodeURIComponent(t.tag)}?groupId=${encodeURIComponent(m.groupId)}`), `已移除标签「${t.tag}」`),
    }, '移除'))
  return h('div', { class: 'member-tags' },
    h('h3', {}, '规则标签'),
    rule.length === 0 ? h('p', { class: 'muted' }, '没有') : h('ul', { class: 'tag-list' }, ...rule.map((t) => h('li', {}, tagChip(t), h('small', { class: 'muted' }, ` ${t.addedBy} · ${formatTime(t.addedAt)}`)))),
    h('p', { class: 'muted small' }, `${RULE_TAG_HINT}。`),
    h('h3', {}, '手动标签'),
    manual.length === 0 ? h('p', { class: 'muted' }, '没有') : h('ul', { class: 'tag-list' }, ...manual.map(removable)),
    addForm(m))
}

function addForm(m: Membership): HTMLElement {
  const id = `add-tag-${m.groupId.replace(/[^\w-]/g, '_')}`
  const input = h('input', { id, name: 'tag', required: true, maxlength: 30, list: MEMBER_IDS.declaredManualTags, placeholder: '如：老客户' })
  const error = h('p', { class: 'error', role: 'alert', hidden: true })
  const form = h('form', { class: 'inline-form add-tag', onsubmit: (e: Event) => {
    e.preventDefault()
    error.hidden = true
    const tag = input.value.trim()
    void change(() => api('POST', tagsPath(m), { groupId: m.groupId, tag }), `已添加标签「${tag}」`, error)
  } },
  h('label', { for: id }, `在「${m.groupName}」添加手动标签`), input, h('button', { type: 'submit', class: 'primary' }, '添加标签'), error)
  return form
}

function metricsTable(m: Membership): HTMLElement {
  return h('details', { class: 'metrics' },
    h('summary', {}, '活跃指标（规则计算标签时读取的值）'),
    h('table', { class: 'table' },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, '指标'), h('th', { scope: 'col' }, '值'), h('th', { scope: 'col' }, '规则里的名字'))),
      h('tbody', {}, ...Object.entries(m.metrics).map(([name, value]) =>
        h('tr', {}, h('td', {}, METRIC_LABELS[name] ?? name), h('td', { class: 'num' }, formatValue(value)), h('td', {}, h('code', {}, name)))))))
}

function membershipCard(m: Membership): HTMLElement {
  return h('section', { class: 'card membership', 'aria-label': `群「${m.groupName}」`, 'data-group': m.groupId },
    h('h2', {}, m.groupName, m.leftAt ? h('span', { class: 'badge late' }, `已于 ${formatTime(m.leftAt)} 退群`) : h('span', { class: 'badge ok' }, '在群')),
    h('p', { class: 'member-facts' }, '入群 ', joinedText(m), ' · 生命周期 ', lifecycleChip(m.lifecycle)),
    tagList(m),
    metricsTable(m))
}

function seenText(seen: Record<string, unknown> | null): HTMLElement | string {
  if (!seen || Object.keys(seen).length === 0) return '—'
  return h('span', { class: 'seen' }, ...Object.entries(seen).map(([k, v]) => h('code', { title: METRIC_LABELS[k] ?? k }, `${k}=${formatValue(v)}`)))
}

function historyTable(detail: MemberDetailView): HTMLElement {
  if (detail.history.length === 0) return h('p', { class: 'muted' }, '还没有标签变化')
  const groupName = new Map(detail.memberships.map((m) => [m.groupId, m.groupName]))
  return h('table', { class: 'table', id: MEMBER_IDS.historyTable },
    h('thead', {}, h('tr', {}, ...['时间', '群', '标签', '变化', '由谁', '规则看到的值'].map((x) => h('th', { scope: 'col' }, x)))),
    h('tbody', {}, ...detail.history.map((x) => h('tr', {},
      h('td', {}, formatTime(x.at)),
      h('td', {}, groupName.get(x.groupId) ?? x.groupId),
      h('td', {}, x.tag, x.source === 'manual' ? h('small', { class: 'muted' }, '（手动）') : null),
      h('td', {}, h('span', { class: `badge ${x.change === 'added' ? 'ok' : 'late'}` }, x.change === 'added' ? '新增' : '移除')),
      h('td', {}, x.source === 'rule' ? h('span', {}, '规则 ', h('code', {}, x.by)) : `客服 ${x.by}`),
      h('td', {}, seenText(x.seen))))))
}

function crm(attributes: MemberAttributes | null): HTMLElement {
  if (!attributes) return h('p', { class: 'muted' }, '没有导入 CRM 资料（用 qundesk members import 导入订单和消费数据）')
  const money = (v: number | null) => (v === null ? '未知' : `¥${v.toFixed(2)}`)
  const rows: Array<[string, string]> = [
    ['外部联系人 ID', attributes.externalId ?? '—'], ['近 30 天消费', money(attributes.monthlySpend)], ['累计消费', money(attributes.totalSpend)],
    ['订单数', formatValue(attributes.orders)], ['退货 / 退款数', formatValue(attributes.returns)],
    ['最近购买', attributes.lastPurchaseAt ? formatTime(attributes.lastPurchaseAt) : '—'],
    ['RFM（R / F / M）', `${formatValue(attributes.rfm.r)} / ${formatValue(attributes.rfm.f)} / ${formatValue(attributes.rfm.m)}`],
    ['导入', `${formatTime(attributes.importedAt)} · ${attributes.importSource}`],
  ]
  return h('dl', { class: 'facts' }, ...rows.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]))
}

/** Export and erase (PIPL) are for admins; agents never get the buttons, and the API refuses them anyway (403). */
const isAdmin = document.querySelector<HTMLMetaElement>('meta[name="user-role"]')?.content === 'admin'

function privacyCard(detail: MemberDetailView): HTMLElement {
  const path = `/api/members/${encodeURIComponent(detail.memberId)}`
  const dialog = eraseDialog(detail, path)
  return h('section', { class: 'card', 'aria-labelledby': MEMBER_IDS.privacyTitle },
    h('h2', { id: MEMBER_IDS.privacyTitle }, '个人信息'),
    h('p', { class: 'muted' }, '成员可依《个人信息保护法》要求查阅或删除其个人信息。导出和删除都会记入审计日志。'),
    h('div', { class: 'privacy-actions' },
      h('a', { class: 'button', href: `${path}/export`, download: `member-${detail.memberId.replace(/[^\w.-]/g, '_')}.json` }, '导出个人信息'),
      h('button', { type: 'button', class: 'danger', onclick: () => dialog.showModal() }, '删除个人信息')),
    dialog)
}

function eraseDialog(detail: MemberDetailView, path: string): HTMLDialogElement {
  const expected = detail.memberName || detail.memberId
  const input = h('input', { id: MEMBER_IDS.eraseConfirm, name: 'confirm', autocomplete: 'off', required: true })
  const error = h('p', { class: 'error', role: 'alert', hidden: true })
  const submit = h('button', { type: 'submit', class: 'danger', disabled: true }, '永久删除')
  input.addEventListener('input', () => { submit.disabled = input.value.trim() !== expected })
  const dialog = h('dialog', { class: 'confirm', 'aria-labelledby': MEMBER_IDS.eraseTitle })
  const form = h('form', { onsubmit: (e: Event) => {
    e.preventDefault()
    if (input.value.trim() !== expected) return
    submit.disabled = true
    error.hidden = true
    void api('DELETE', path).then(() => {
      location.href = '/members'
    }, (e: unknown) => {
      error.textContent = e instanceof ApiError ? e.message : String(e)
      error.hidden = false
      submit.disabled = false
    })
  } },
  h('h2', { id: MEMBER_IDS.eraseTitle }, '删除个人信息'),
  h('p', {}, `将清空「${expected}」发过的消息内容、相关建议回复，删除其标签、标签历史、CRM 资料、发过的图片、语音和文件，以及问题的向量缓存；只保留匿名的统计数字（报表不变）。此操作不可撤销。`),
  h('p', { class: 'muted' }, '审计日志不可改写，其中与该成员有关的记录保留原样。'),
  h('label', { for: MEMBER_IDS.eraseConfirm }, `输入成员昵称「${expected}」确认`), input, error,
  h('div', { class: 'dialog-actions' }, h('button', { type: 'button', onclick: () => dialog.close() }, '取消'), submit))
  dialog.append(form)
  return dialog
}

function render(detail: MemberDetailView): void {
  document.title = `${detail.memberName} · 成员 · 群客服助手`
  byId(MEMBER_IDS.name).replaceChildren(detail.memberName, ' ', h('small', { class: 'muted' }, detail.memberId))
  byId(MEMBER_IDS.memberships).replaceChildren(
    h('datalist', { id: MEMBER_IDS.declaredManualTags }, ...declaredManualTags.map((t) => h('option', { value: t }))),
    ...detail.memberships.map(membershipCard))
  byId(MEMBER_IDS.tagHistory).replaceChildren(historyTable(detail))
  byId(MEMBER_IDS.crm).replaceChildren(crm(detail.attributes))
  if (isAdmin) byId(MEMBER_IDS.privacy).replaceChildren(privacyCard(detail))
}

async function start(): Promise<void> {
  try {
    const [detail, tags] = await Promise.all([
      api<MemberDetailView>('GET', `/api/members/${encodeURIComponent(memberId)}`),
      api<TagsView>('GET', '/api/tags'),
    ])
    declaredManualTags = tags.manualTags
    render(detail)
  } catch (error) {
    byId(MEMBER_IDS.name).textContent = error instanceof ApiError && error.status === 404 ? `没有找到成员 ${memberId}` : '加载失败'
    toast(error instanceof ApiError ? error.message : String(error), 'error')
  }
}
void start()
