import type { Chart as ChartJs, ChartConfiguration } from 'chart.js'
import type { DistributionRow, DistributionView, GroupView, MemberPage, MemberSummary, TagsView } from '../contract.js'
import { api, ApiError } from './api.js'
import { byId, formatTime, h, initChrome, toast } from './dom.js'
import { joinedText, lifecycleChip, memberHref, tagChip } from './member-tags.js'
import { MEMBERS_IDS } from './members.ids.js'

declare const Chart: new (canvas: HTMLCanvasElement, config: ChartConfiguration) => ChartJs

const PAGE_SIZE = 50
const COLORS = ['#1d6fe8', '#52c41a', '#faad14', '#d4380d', '#722ed1', '#13c2c2', '#eb2f96', '#8c8c8c', '#a0d911', '#2f54eb']
const FILTERS = ['tag', 'lifecycle', 'groupId', 'q', 'includeLeft'] as const

initChrome()
const form = byId<HTMLFormElement>(MEMBERS_IDS.filter)
const field = <T extends HTMLElement>(name: string) => form.elements.namedItem(name) as unknown as T
const tbody = byId(MEMBERS_IDS.table).querySelector('tbody')!
const state = { offset: 0, info: null as TagsView | null, rows: [] as DistributionRow[], chart: null as ChartJs | null }

/** The filters live in the address, so a filtered list can be bookmarked, shared and reloaded. */
function readAddress(): void {
  const params = new URLSearchParams(location.search)
  for (const name of FILTERS) {
    const el = field<HTMLInputElement | HTMLSelectElement>(name)
    const value = params.get(name) ?? ''
    if (el instanceof HTMLInputElement && el.type === 'checkbox') el.checked = value === 'true'
    else {
      // The options arrive with /api/tags; until then a select only keeps a value it has an option for.
      if (el instanceof HTMLSelectElement && value && ![...el.options].some((o) => o.value === value)) el.append(h('option', { value }, value))
      el.value = value
    }
  }
  state.offset = Math.max(0, Number(params.get('offset')) || 0)
}

function filterParams(): URLSearchParams {
  const data = new FormData(form)
  const params = new URLSearchParams()
  for (const name of FILTERS) {
    const value = String(data.get(name) ?? '').trim()
    if (value) params.set(name, value)
  }
  return params
}

/** Fills a select, keeping its current value (a value from the address may name a tag not in use any more). */
function fill(select: HTMLSelectElement, first: string, groups: Array<{ label: string; values: Array<{ value: string; text: string }> }>): void {
  const selected = select.value
  const known = new Set(groups.flatMap((g) => g.values.map((v) => v.value)))
  select.replaceChildren(h('option', { value: '' }, first),
    ...groups.filter((g) => g.values.length > 0).map((g) => h('optgroup', { label: g.label }, ...g.values.map((v) => h('option', { value: v.value }, v.text)))),
    ...(selected && !known.has(selected) ? [h('option', { value: selected }, selected)] : []))
  select.value = selected
}

async function loadFilters(): Promise<void> {
  const groupId = field<HTMLSelectElement>('groupId').value
  const [info, groups] = await Promise.all([
    api<TagsView>('GET', `/api/tags${groupId ? `?groupId=${encodeURIComponent(groupId)}` : ''}`),
    api<GroupView[]>('GET', '/api/groups'),
  ])
  state.info = info
  const ruleIds = info.ruleTags.map((t) => t.id)
  const manual = [...new Set([...info.manualTags, ...info.tags.filter((t) => t.source === 'manual').map((t) => t.tag)])]
  const retired = info.tags.filter((t) => t.source === 'rule' && !ruleIds.includes(t.tag)).map((t) => t.tag)
  const opt = (v: string) => ({ value: v, text: v })
  fill(field('tag'), '全部标签', [{ label: '规则标签', values: [...ruleIds, ...retired].map(opt) }, { label: '手动标签', values: manual.map((v) => ({ value: v, text: `${v}（手动）` })) }])
  fill(field('lifecycle'), '全部阶段', [{ label: '生命周期阶段', values: info.lifecycle.map(opt) }])
  fill(field('groupId'), '全部群', [{ label: '群', values: groups.map((g) => ({ value: g.groupId, text: `${g.groupName}（${g.members} 人）` })) }])
  byId(MEMBERS_IDS.tagCounts).replaceChildren(...(info.tags.length === 0
    ? [h('li', { class: 'muted' }, info.enabled ? '还没有成员带标签' : '没有加载标签规则：成员不会被自动打标签')]
    : info.tags.map((t) => h('li', {},
        h('button', { type: 'button', class: 'link', title: `只看带「${t.tag}」的成员`, onclick: () => filterBy(t.tag) }, t.tag),
        t.source === 'manual' ? h('small', { class: 'muted' }, '（手动）') : null, ' ', h('b', {}, t.members), ' 人'))))
}

function filterBy(tag: string): void {
  field<HTMLSelectElement>('tag').value = tag
  state.offset = 0
  void apply()
}

async function loadMembers(): Promise<void> {
  const params = filterParams()
  params.set('limit', String(PAGE_SIZE))
  params.set('offset', String(state.offset))
  const { total, members } = await api<MemberPage>('GET', `/api/members?${params}`)
  byId(MEMBERS_IDS.total).textContent = `共 ${total} 人`
  tbody.replaceChildren(...(members.length === 0
    ? [h('tr', {}, h('td', { colspan: 5, class: 'muted' }, '没有符合条件的成员'))]
    : members.map(row)))
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE))
  const page = Math.floor(state.offset / PAGE_SIZE) + 1
  byId(MEMBERS_IDS.pageInfo).textContent = `第 ${page} / ${pages} 页`
  ;byId<HTMLButtonElement>(MEMBERS_IDS.pagePrev).disabled = state.offset === 0
  ;byId<HTMLButtonElement>(MEMBERS_IDS.pageNext).disabled = state.offset + PAGE_SIZE >= total
}

function row(m: MemberSummary): HTMLElement {
  return h('tr', { 'data-member': m.memberId },
    h('td', {}, h('a', { href: memberHref(m.memberId) }, m.memberName), h('div', { class: 'muted small' }, m.memberId)),
    h('td', {}, m.groupName, m.leftAt ? h('div', { class: 'muted small' }, `已于 ${formatTime(m.leftAt)} 退群`) : null),
    h('td', {}, lifecycleChip(m.lifecycle)),
    h('td', {}, m.tags.length === 0 ? h('span', { class: 'muted' }, '—') : h('span', { class: 'tags' }, ...m.tags.map(tagChip))),
    h('td', {}, joinedText(m)))
}

async function loadDistribution(): Promise<void> {
  const days = byId<HTMLSelectElement>(MEMBERS_IDS.distDays).value
  state.rows = (await api<DistributionView>('GET', `/api/tags/distribution?days=${days}`)).rows
  drawDistribution()
}

/** One line per lifecycle stage (or per tag) over the days a full re-tag recorded counts. */
function drawDistribution(): void {
  const kind = byId<HTMLSelectElement>(MEMBERS_IDS.distKind).value as DistributionRow['kind']
  const rows = state.rows.filter((r) => r.kind === kind)
  const labels = [...new Set(state.rows.map((r) => r.day))].sort()
  const preferred = kind === 'lifecycle' ? state.info?.lifecycle ?? [] : state.info?.ruleTags.map((t) => t.id) ?? []
  const names = [...new Set([...preferred.filter((n) => rows.some((r) => r.name === n)), ...rows.map((r) => r.name)])]
  const count = new Map(rows.map((r) => [`${r.day}\u0000${r.name}`, r.members]))
  const note = byId(MEMBERS_IDS.distNote)
  note.hidden = labels.length > 0
  note.textContent = '还没有分布数据：每次全量重新计算标签（按规则的 schedule，或管理员在「用户与设置」里立即重新计算）后记录当天的人数。'
  byId(MEMBERS_IDS.chartDistribution).setAttribute('aria-label', `每天各${kind === 'lifecycle' ? '生命周期阶段' : '标签'}的成员数折线图`)
  state.chart?.destroy()
  state.chart = new Chart(byId<HTMLCanvasElement>(MEMBERS_IDS.chartDistribution), {
    type: 'line',
    data: {
      labels: labels.map((d) => d.slice(5)),
      datasets: names.map((name, i) => {
        const color = COLORS[i % COLORS.length]!
        return { label: name, data: labels.map((day) => count.get(`${day}\u0000${name}`) ?? 0), borderColor: color, backgroundColor: color, tension: 0.2 }
      }),
    },
    options: { responsive: true, animation: false, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
  })
}

/** Applies the filters: the address, the tag counts (per group) and the list. */
async function apply(push = true): Promise<void> {
  const params = filterParams()
  if (state.offset) params.set('offset', String(state.offset))
  if (push) history.pushState(null, '', `${location.pathname}${params.toString() ? `?${params}` : ''}`)
  try {
    await Promise.all([loadFilters(), loadMembers()])
  } catch (error) {
    toast(error instanceof ApiError ? error.message : String(error), 'error')
  }
}

form.addEventListener('submit', (event) => {
  event.preventDefault()
  state.offset = 0
  void apply()
})
for (const name of ['tag', 'lifecycle', 'groupId', 'includeLeft']) {
  field<HTMLElement>(name).addEventListener('change', () => {
    state.offset = 0
    void apply()
  })
}
byId(MEMBERS_IDS.pagePrev).addEventListener('click', () => {
  state.offset = Math.max(0, state.offset - PAGE_SIZE)
  void apply()
})
byId(MEMBERS_IDS.pageNext).addEventListener('click', () => {
  state.offset += PAGE_SIZE
  void apply()
})
byId(MEMBERS_IDS.distKind).addEventListener('change', drawDistribution)
byId(MEMBERS_IDS.distDays).addEventListener('change', () => void loadDistribution())
window.addEventListener('popstate', () => {
  readAddress()
  void apply(false)
})

readAddress()
void apply(false).then(loadDistribution).catch((error: unknown) => toast(error instanceof ApiError ? error.message : String(error), 'error'))
