import type { HealthView, IntentOption, QuickReplyView, SettingsView, SuggestionConflictBody, SuggestionContextView, SuggestionEventData, SuggestionItem, WaitingTagActionView } from '../contract.js'
import { api, ApiError } from './api.js'
import { byId, formatTime, formatWait, h, initChrome, percent, toast } from './dom.js'
import { memberHref } from './member-tags.js'
import { mediaView } from './media-view.js'
import { QUEUE_IDS } from './queue.ids.js'
import { createQueueAlerts } from './queue-alerts.js'
import { byUrgency, passesFilter, slaLeftMs, type QueueFilter } from './queue-order.js'
import { initSidebar, type Sidebar } from './wecom-sidebar.js'

const DECISION: Record<string, string> = { auto_sent: '自动发送', sent: '已发送', edited: '编辑后发送', rejected: '已拒绝' }
const ESCALATION: Record<string, string> = { keyword: '要求人工', emotion: '情绪激动', intent: '投诉类', misses: '连续未命中', sla: '超时升级' }
const EMOTION: Record<string, string> = { mild: '情绪：轻度不满', moderate: '情绪：中度不满', severe: '情绪：强烈不满' }
const KIND: Record<string, string> = { needs_human: '需人工', outreach: '主动消息', reminder: '提醒', attention: '需关注' }
const DRAFT_LABEL: Record<string, string> = {
  answer: '回复草稿（可编辑，发送时会 @ 客户）', needs_human: '回复草稿（可编辑，发送时会 @ 客户）',
  outreach: '主动消息草稿（可编辑，批准后发到群里并 @ 客户）', reminder: '提醒没有草稿：如需联系客户，在这里写消息（发送时会 @ 客户）；不需要就点「忽略」',
  attention: '客户没有 @ 机器人，但情绪不满：如需安抚，在这里写消息（发送时会 @ 客户）；不需要就点「忽略」',
}
const PLACEHOLDER: Record<string, string> = { needs_human: '没有匹配到答案，请人工输入回复', reminder: '（可选）写一条发给客户的消息', attention: '（可选）写一条安抚客户的消息' }

/** A customer asked something (the SLA and intents apply); outreach and reminders come from tag rules. */
const isQuestion = (item: SuggestionItem) => item.kind === 'answer' || item.kind === 'needs_human'

const money = (n: number | null) => (n === null ? '—' : `¥${n.toLocaleString('zh-CN', { maximumFractionDigits: 2 })}`)

/** Who the customer is to the team, beside the question: lifecycle stage, tags, CRM value (the name links to the member page). */
function memberProfile(profile: SuggestionContextView['profile']): HTMLElement {
  const crm = profile.crm
  return h('div', { class: 'member-profile', id: QUEUE_IDS.profile },
    h('p', {},
      profile.lifecycle ? h('span', { class: 'badge', title: '生命周期阶段（rules/ 规则计算）' }, profile.lifecycle) : h('span', { class: 'muted' }, '未分阶段'), ' ',
      ...profile.tags.map((t) => h('span', { class: `tag ${t.source}`, title: t.source === 'manual' ? '手动标签' : '规则标签' }, t.tag))),
    crm
      ? h('p', { class: 'muted' }, `累计消费 ${money(crm.totalSpend)} · 近 30 天 ${money(crm.monthlySpend)} · 订单 ${crm.orders ?? '—'}${crm.rfm.r === null ? '' : ` · RFM ${crm.rfm.r}/${crm.rfm.f ?? '—'}/${crm.rfm.m ?? '—'}`}`)
      : h('p', { class: 'muted' }, '未导入 CRM 资料'),
  )
}

function humanBadges(item: SuggestionItem): Array<HTMLElement | null> {
  return [
    item.kind === 'outreach' ? h('span', { class: 'badge outreach', title: '标签规则触发的主动消息：批准后发到群里' }, '主动消息') : null,
    item.kind === 'reminder' ? h('span', { class: 'badge reminder', title: '标签规则提醒客服关注这位成员：没有草稿，可以写一条消息发送，或忽略' }, '提醒') : null,
    item.kind === 'needs_human' ? h('span', { class: 'badge human' }, '需人工') : null,
    item.aiDraft ? h('span', { class: 'badge ai-draft', title: `语言模型依据这些意图的回答起草，请核对后再发送：${item.aiDraft.intentIds.map(intentLabel).join('、')}` }, 'AI 草稿') : null,
    item.kind === 'attention' ? h('span', { class: 'badge human', title: '客户在群里表达不满，但没有 @ 机器人' }, '需关注') : null,
    item.escalationReason && item.kind !== 'attention' ? h('span', { class: 'badge human', title: item.escalationDetail ?? '' }, ESCALATION[item.escalationReason] ?? item.escalationReason) : null,
    item.emotionSeverity && item.emotionSeverity !== 'none' ? h('span', { class: `badge emotion-${item.emotionSeverity}` }, EMOTION[item.emotionSeverity] ?? item.emotionSeverity) : null,
  ]
}
/** The signed-in agent: the name claims and decisions are recorded under. */
const ME = document.querySelector<HTMLMetaElement>('meta[name="user-name"]')?.content ?? ''
/** Typing renews the claim at most this often (the server frees a claim after 5 minutes without activity). */
const RENEW_EVERY_MS = 60_000

const state = {
  status: 'pending' as string,
  /** The list as the server sent it, and as shown: filtered, and for pending work in order of urgency. */
  all: [] as SuggestionItem[],
  items: [] as SuggestionItem[],
  filter: { groupId: '', reason: '', claim: 'all' } as QueueFilter,
  selectedId: null as number | null,
  /** The item in the pane as the agent last saw it whole: its version goes with every decision. */
  shown: null as SuggestionItem | null,
  /** Who holds the open item, if not this agent (kept current live, even while the agent types). */
  holder: null as string | null,
  /** Set by this agent's own successful decision: the next list moves on to the next item. Nothing else moves it. */
  advance: false,
  renewedAt: 0,
  slaMs: 15 * 60_000,
  intents: [] as IntentOption[],
  outreachPerHour: 0,
  sidebar: null as Sidebar | null,
  busy: false,
  /** Replies the outbox gave up on, whatever tab is open: they need an agent. */
  failed: 0,
}
const STATUS: Record<string, string> = { sending: '发送中', failed: '发送失败' }
/** The id of a suggestion's row in the list (aria-activedescendant points at it). */
const optionId = (id: number) => `s-${id}`
const list = byId(QUEUE_IDS.list)
const detail = byId(QUEUE_IDS.detail)
const alerts = createQueueAlerts({
  desktop: byId<HTMLInputElement>(QUEUE_IDS.alertDesktop), sound: byId<HTMLInputElement>(QUEUE_IDS.alertSound), onRefused: (message) => toast(message, 'error'),
})

/** An intent as agents know it: its admin-given name (knowledge `name:`), else its id. */
function intentLabel(id: string | null | undefined): string {
  if (!id) return ''
  return state.intents.find((i) => i.id === id)?.name ?? id
}

/**
 * Tag actions that wait (welcome and care messages past the per-group hourly cap): how many, and when each is
 * expected, so nobody wonders why a welcome has not appeared yet.
 */
let waitingRefresh: ReturnType<typeof setTimeout> | undefined
async function refreshWaitingActions(): Promise<void> {
  const box = byId(QUEUE_IDS.waitingActions)
  const waiting = await api<WaitingTagActionView[]>('GET', '/api/tag-actions/waiting').catch(() => null)
  if (!waiting) return
  const outreach = waiting.filter((w) => w.kind === 'outreach')
  box.hidden = outreach.length === 0
  if (outreach.length === 0) return box.replaceChildren()
  const first = outreach.map((w) => w.dueAt).filter((d): d is string => d !== null).sort()[0]
  const open = box.hasAttribute('open')
  box.replaceChildren(
    h('summary', {}, `${outreach.length} 条主动消息排队中（每群每小时最多 ${state.outreachPerHour} 条）${first ? `，下一条约 ${formatTime(first)} 进入队列` : '：上限为 0，调高后才会发出'}`),
    h('ul', {}, ...outreach.map((w) => h('li', {},
      `${w.groupName ?? w.groupId} · ${w.memberName ?? w.memberId} · 标签「${w.tag}」 · `,
      h('span', { class: 'muted' }, w.dueAt ? `约 ${formatTime(w.dueAt)}` : '暂不发出')))))
  if (open) box.setAttribute('open', '')
}

initChrome()
void start()

async function start(): Promise<void> {
  const [settings, intents] = await Promise.all([
    api<SettingsView>('GET', '/api/settings'),
    api<IntentOption[]>('GET', '/api/intents'),
  ])
  state.slaMs = settings.slaMinutes * 60_000
  state.outreachPerHour = settings.outreachPerGroupPerHour
  state.intents = intents
  void refreshWaitingActions()
  setInterval(() => void refreshWaitingActions(), 60_000)
  state.sidebar = await initSidebar(api).catch((error: unknown) => {
    toast(`企业微信侧边栏初始化失败：${(error as Error).message}`, 'error')
    return null
  })
  if (state.sidebar) {
    const note = byId(QUEUE_IDS.sidebarNote)
    note.hidden = false
    note.textContent = '企业微信侧边栏：只显示当前客户群，发送将以您本人身份发出'
  }
  for (const tab of document.querySelectorAll<HTMLButtonElement>('.tabs [data-status]')) {
    tab.addEventListener('click', () => {
      state.status = tab.dataset.status ?? ''
      for (const t of document.querySelectorAll('.tabs [data-status]')) t.setAttribute('aria-selected', String(t === tab))
      state.selectedId = null
      void refresh()
    })
  }
  for (const [id, key] of [[QUEUE_IDS.filterGroup, 'groupId'], [QUEUE_IDS.filterReason, 'reason'], [QUEUE_IDS.filterClaim, 'claim']] as const) {
    byId<HTMLSelectElement>(id).addEventListener('change', (event) => {
      state.filter = { ...state.filter, [key]: (event.target as HTMLSelectElement).value }
      // The agent's own choice: the list changes, the pane stays on what they were reading.
      applyView()
      renderList()
    })
  }
  document.addEventListener('keydown', onKey)
  list.addEventListener('keydown', (e) => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault()
      move(e.key === 'ArrowDown' ? 1 : -1)
    }
  })
  await refresh()
  listen()
  // Waiting times tick, and the account and outbox state is re-read.
  window.setInterval(() => void refresh(false), 15_000)
}

function listen(): void {
  const events = new EventSource('/api/events')
  let timer: number | undefined
  // Changes within 100 ms are fetched once; the detail is reloaded if any of them was the selected suggestion's.
  let detailChanged = false
  const later = (reloadDetail: boolean) => {
    detailChanged ||= reloadDetail
    window.clearTimeout(timer)
    timer = window.setTimeout(() => {
      const reload = detailChanged
      detailChanged = false
      void refresh(reload ? 'unless-editing' : false)
    }, 100)
  }
  // Whatever happened while the stream was (re)connecting is fetched once it is open.
  events.addEventListener('open', () => {
    document.body.dataset.live = 'open'
    byId(QUEUE_IDS.liveNote).hidden = true
    later(false)
  })
  events.addEventListener('error', () => {
    document.body.dataset.live = 'reconnecting'
    byId(QUEUE_IDS.liveNote).hidden = false
  })
  events.addEventListener('suggestion', (event) => {
    const data = JSON.parse((event as MessageEvent<string>).data) as SuggestionEventData
    later(data.id === state.selectedId)
    // A welcome leaving the wait shows up as a new item: recount what still waits (once per burst of events).
    waitingRefresh ??= setTimeout(() => { waitingRefresh = undefined; void refreshWaitingActions() }, 2000)
  })
}

function isEditing(): boolean {
  const active = document.activeElement
  return active instanceof HTMLTextAreaElement || active instanceof HTMLInputElement || active instanceof HTMLSelectElement
}

/** A question the pane is asking (接手？, a reject reason, a fixed intent): a live reload must not wipe it. */
function isAsking(): boolean {
  return (document.getElementById(QUEUE_IDS.inlineForm)?.childElementCount ?? 0) > 0
}

let refreshes = 0
/**
 * Reloads the list, and the detail when `reloadDetail` says so. 'unless-editing' (a live change to the selected
 * suggestion) leaves the detail alone while the agent is typing in it, decided when the new data is in, so a
 * change that arrives mid-edit never replaces the words being typed.
 */
async function refresh(reloadDetail: boolean | 'unless-editing' = true): Promise<void> {
  const params = new URLSearchParams()
  if (state.status) params.set('status', state.status)
  if (state.sidebar) params.set('groupId', state.sidebar.chatId)
  const mine = ++refreshes
  const [items, health] = await Promise.all([api<SuggestionItem[]>('GET', `/api/suggestions?${params}`), api<HealthView>('GET', '/api/health')])
  // A slower, older response must not overwrite a newer list.
  if (mine !== refreshes) return
  showHealth(health)
  state.all = items
  if (state.status === 'pending') alerts.seen(items)
  applyView()
  // The selection moves only when the agent acts: a first item to show, or the next one after their own decision.
  // A colleague's decision on the open item leaves it on screen, saying who did what (issue 17: the agent's next
  // Enter must never land on a customer they did not look at).
  const gone = state.selectedId !== null && !state.items.some((i) => i.id === state.selectedId)
  if (state.selectedId === null || (gone && state.advance)) {
    state.selectedId = state.items[0]?.id ?? null
    reloadDetail = true
  }
  state.advance = false
  renderList()
  // Claims expire without an event: the list read every 15 s shows the open item's holder too.
  const listed = state.items.find((i) => i.id === state.selectedId)
  if (listed && state.shown?.id === listed.id) showNote(listed)
  if (reloadDetail === true) await renderDetail()
  else if (reloadDetail === 'unless-editing') await renderDetail({ unlessEditing: true })
}

/** The list shown: the agent's filters, and pending work by urgency (history stays newest first). */
function applyView(): void {
  const shown = state.all.filter((item) => passesFilter(item, state.filter, ME))
  state.items = state.status === 'pending' ? byUrgency(shown) : shown
}

const BASE_TITLE = document.title
/** The tab's title counts what waits for a person, so a background tab still says there is work. */
function showTitleCount(): void {
  const waiting = state.status === 'pending' ? state.all.filter((i) => i.status === 'pending' && i.needsHuman).length : 0
  document.title = waiting > 0 ? `(${waiting}) ${BASE_TITLE}` : BASE_TITLE
}

/** The group choices come from the items listed; a chosen group stays listed even when it has no items now. */
function fillGroupFilter(): void {
  const select = byId<HTMLSelectElement>(QUEUE_IDS.filterGroup)
  const groups = new Map(state.all.map((i) => [i.groupId, i.groupName]))
  if (state.filter.groupId && !groups.has(state.filter.groupId)) groups.set(state.filter.groupId, state.filter.groupId)
  select.replaceChildren(h('option', { value: '' }, '全部群'), ...[...groups].sort((a, b) => a[1].localeCompare(b[1], 'zh-CN')).map(([id, name]) => h('option', { value: id }, name)))
  select.value = state.filter.groupId
}

function showHealth(health: HealthView): void {
  state.failed = health.outbox.failed
  const note = byId(QUEUE_IDS.channelNote)
  const offline = health.channel.state !== 'online'
  note.hidden = !offline
  if (offline) {
    const since = health.channel.since ? `（自 ${formatTime(health.channel.since)}）` : ''
    note.textContent = `机器人账号${health.channel.state === 'starting' ? '正在连接' : '离线'}${since}：回复已排队${health.outbox.queued ? ` ${health.outbox.queued} 条` : ''}，恢复连接后自动发送`
  }
  // The database's own problems (file deleted or replaced, damage found by quick_check): the agents' alert when no
  // group robot is configured, and what they tell the admin.
  const database = byId(QUEUE_IDS.databaseNote)
  database.hidden = health.database.ok
  if (!health.database.ok) database.textContent = `数据库告警（请通知管理员）：${health.database.problems.join('；')}`
}

function renderList(): void {
  const now = Date.now()
  showTitleCount()
  fillGroupFilter()
  // The counts are the whole queue's, whatever the filters show.
  const pending = state.all.filter((i) => i.status === 'pending')
  const failedCount = state.failed
  const oldest = pending.reduce<SuggestionItem | undefined>((a, b) => (!a || b.askedAt < a.askedAt ? b : a), undefined)
  const newest = pending.reduce<SuggestionItem | undefined>((a, b) => (!a || b.askedAt > a.askedAt ? b : a), undefined)
  byId(QUEUE_IDS.stats).replaceChildren(
    h('span', {}, '待处理 ', h('b', {}, pending.length)),
    h('span', {}, '需人工 ', h('b', {}, pending.filter((i) => i.needsHuman).length)),
    ...(failedCount > 0 ? [h('span', { class: 'error' }, '发送失败 ', h('b', {}, failedCount))] : []),
    h('span', {}, '最久等待 ', h('b', {}, oldest ? formatWait(now - Date.parse(oldest.askedAt)) : '—')),
    h('span', {}, '最新 ', h('b', {}, newest ? `${formatWait(now - Date.parse(newest.askedAt))}前`.replace('刚刚前', '刚刚') : '—')),
  )
  list.replaceChildren(...state.items.map((item) => {
    const waiting = now - Date.parse(item.askedAt)
    const left = slaLeftMs(item, state.slaMs, now)
    const late = left !== undefined && left < 0
    const li = h('li', {
      id: optionId(item.id), role: 'option', 'aria-selected': String(item.id === state.selectedId),
      class: item.needsHuman ? 'escalated' : item.kind === 'reminder' ? 'reminder' : undefined, 'data-id': item.id, 'data-kind': item.kind,
      onclick: () => select(item.id),
    },
    h('span', { class: 'q' }, item.question),
    h('span', { class: 'meta' },
      ...humanBadges(item),
      item.kind === 'answer' ? h('span', { class: 'badge', title: item.intentId ?? '' }, `${intentLabel(item.intentId)} · ${percent(item.score)}`) : null,
      late ? h('span', { class: 'badge late' }, `超时 ${formatWait(waiting)}`) : null,
      left !== undefined && !late ? h('span', { class: 'badge sla', title: `距 SLA（${Math.round(state.slaMs / 60_000)} 分钟）还剩` }, `剩 ${formatWait(left)}`) : null,
      item.claimedBy ? h('span', { class: item.claimedBy === ME ? 'badge claim mine' : 'badge claim' }, item.claimedBy === ME ? '我处理中' : `${item.claimedBy} 处理中`) : null,
      item.status === 'failed' || item.status === 'sending'
        ? h('span', { class: item.status === 'failed' ? 'badge late' : 'badge' }, STATUS[item.status])
        : item.status !== 'pending' ? h('span', { class: 'badge ok' }, DECISION[item.decision ?? ''] ?? item.status) : null,
    ),
    h('span', { class: 'meta' }, h('span', {}, item.groupName), h('span', {}, item.memberName), item.status === 'pending' ? h('span', {}, `等待 ${formatWait(waiting)}`) : h('span', {}, formatTime(item.askedAt))))
    return li
  }))
  if (state.items.length === 0) list.replaceChildren(h('li', { class: 'muted', 'aria-disabled': 'true' }, state.status === 'pending' ? '没有待处理的建议，都处理完了' : '没有记录'))
  list.setAttribute('aria-activedescendant', state.selectedId ? optionId(state.selectedId) : '')
}

function select(id: number): void {
  // Clicking the suggestion already on screen refreshes it, but never over what the agent has started typing.
  const shown = state.selectedId === id && detail.dataset.id === String(id)
  state.selectedId = id
  renderList()
  document.getElementById(optionId(id))?.scrollIntoView({ block: 'nearest' })
  void renderDetail({ unlessEditing: shown })
  // Opening an item claims it: colleagues see 「<name> 处理中」 live.
  void claim(id)
}

const isOpen = (s: SuggestionItem) => s.status === 'pending' || s.status === 'failed'

/**
 * Claims (or renews the claim on) an item for this agent; `takeOver` takes it from a colleague (audited). A
 * colleague's claim is not an error here: the pane shows 「<name> 处理中」 and a 接手 button.
 */
async function claim(id: number, takeOver = false): Promise<void> {
  const listed = state.items.find((i) => i.id === id)
  if (listed && !isOpen(listed)) return
  state.renewedAt = Date.now()
  try {
    const now = await api<SuggestionItem>('POST', `/api/suggestions/${id}/claim`, takeOver ? { takeOver: true } : {})
    noteClaim(now)
    if (takeOver) toast('已接手')
  } catch (error) {
    const current = error instanceof ApiError ? (error.body as Partial<SuggestionConflictBody> | undefined)?.current : undefined
    if (current) noteClaim(current)
    else toast(error instanceof ApiError ? error.message : `认领失败：${(error as Error).message}`, 'error')
  }
}

/** A claim's answer: the list row and, for the open item, the pane's note. */
function noteClaim(item: SuggestionItem): void {
  const index = state.items.findIndex((i) => i.id === item.id)
  if (index >= 0) {
    state.items[index] = { ...state.items[index]!, claimedBy: item.claimedBy, claimedAt: item.claimedAt }
    renderList()
  }
  if (state.shown?.id === item.id) {
    state.shown = { ...state.shown, claimedBy: item.claimedBy, claimedAt: item.claimedAt }
    showNote(item)
  }
}

/**
 * Says who holds or handled the open item, and turns its actions off once it is decided. Runs on every live
 * change, also while the agent types: the draft stays as typed, but is never sent once a colleague decided.
 */
function showNote(s: SuggestionItem): void {
  const note = document.getElementById(QUEUE_IDS.paneNote)
  if (!note || state.shown?.id !== s.id) return
  const open = isOpen(s)
  state.holder = open && s.claimedBy && s.claimedBy !== ME ? s.claimedBy : null
  const who = s.decidedBy ?? ''
  const verb = s.status === 'sending' ? '正在发送'
    : s.status === 'sent' ? s.decision === 'auto_sent' ? '已自动发送' : '已发送'
      : s.status === 'rejected' ? s.kind === 'reminder' ? '已忽略' : '已拒绝' : ''
  if (!open) {
    note.className = 'pane-note done'
    note.replaceChildren(`${who} ${verb}`.trim())
  } else if (state.holder) {
    note.className = 'pane-note held'
    note.replaceChildren(`${state.holder} 处理中`, ' ', h('button', { type: 'button', id: QUEUE_IDS.takeOver, onclick: () => void claim(s.id, true) }, '接手'))
  } else {
    note.className = 'pane-note'
    note.replaceChildren(s.claimedBy === ME ? '我处理中（其他坐席会看到）' : '')
  }
  if (!open) {
    for (const button of detail.querySelectorAll<HTMLButtonElement>('.actions button, #inline-form button')) button.disabled = true
    const draft = document.getElementById(QUEUE_IDS.draft) as HTMLTextAreaElement | null
    if (draft) draft.readOnly = true
  }
}

function move(delta: number): void {
  if (state.items.length === 0) return
  const index = state.items.findIndex((i) => i.id === state.selectedId)
  const next = state.items[Math.min(state.items.length - 1, Math.max(0, index + delta))]
  if (next) select(next.id)
}

let detailLoads = 0
async function renderDetail(options: { unlessEditing?: boolean; keepDraft?: string } = {}): Promise<void> {
  const id = state.selectedId
  if (id === null) {
    delete detail.dataset.id
    detail.replaceChildren(h('p', { class: 'muted empty' }, '在左侧选择一条建议'))
    return
  }
  // Never leave another suggestion's buttons on screen while this one loads: a keypress would act on the wrong one.
  if (detail.dataset.id !== String(id)) {
    detail.dataset.id = String(id)
    detail.replaceChildren(h('p', { class: 'muted empty' }, '加载中…'))
  }
  const mine = ++detailLoads
  const ctx = await api<SuggestionContextView>('GET', `/api/suggestions/${id}/context`)
  // An older load answering late must not replace a newer one.
  if (state.selectedId !== id || mine !== detailLoads) return
  if (options.unlessEditing && state.shown?.id === id && (isAsking() || (isEditing() && detail.contains(document.activeElement)))) {
    // The words being typed stay, and so does the version they were typed on; who holds it and whether it is
    // still open show at once.
    showNote(ctx.suggestion)
    return
  }
  // Words the agent typed into this item's draft survive a reload of it (a live change, a stale answer); only
  // their own decision (act() forgets the item) starts from the new draft.
  const typedDraft = document.getElementById(QUEUE_IDS.draft) as HTMLTextAreaElement | null
  const keep = options.keepDraft ?? (state.shown?.id === id && typedDraft && !typedDraft.readOnly && typedDraft.value !== (state.shown.text ?? '') ? typedDraft.value : undefined)
  const s = ctx.suggestion
  state.shown = s
  // A reply the outbox gave up on is decided again like a pending one: send again (maybe edited) or reject.
  const pending = s.status === 'pending' || s.status === 'failed'
  const draft = h('textarea', { id: QUEUE_IDS.draft, 'aria-label': s.kind === 'reminder' ? '给客户的消息' : '回复内容', placeholder: PLACEHOLDER[s.kind] ?? '', disabled: !pending })
  draft.value = pending ? keep ?? s.text ?? '' : s.finalText ?? s.text ?? ''
  // Typing is activity: it claims an item nobody holds and keeps this agent's claim alive.
  draft.addEventListener('input', () => {
    const since = Date.now() - state.renewedAt
    if (state.holder === null && since > 1000 && (state.shown?.claimedBy !== ME || since > RENEW_EVERY_MS)) void claim(s.id)
  })

  // A picture or voice note the customer sent to the bot is the question itself: shown where the question is.
  const questionMedia = mediaView(ctx.conversation.find((m) => m.id === s.messageId)?.media)
  const main = h('section', { class: 'card', 'aria-label': '建议详情' },
    h('div', { class: 'muted' }, `${s.groupName} · `, h('a', { href: memberHref(s.memberId), title: '查看成员的标签、历史和指标' }, s.memberName), ` · ${formatTime(s.askedAt)}`, pending ? ` · 已等待 ${formatWait(Date.now() - Date.parse(s.askedAt))}` : ''),
    h('p', { id: QUEUE_IDS.paneNote, class: 'pane-note', role: 'status' }),
    h('p', { class: 'question' }, s.question),
    questionMedia ? h('div', { class: 'question-media' }, questionMedia) : null,
    h('div', { class: 'meta' },
      ...humanBadges(s),
      s.kind === 'needs_human' ? h('span', { class: 'muted' }, ' 没有匹配到知识库') : null,
      s.aiDraft ? h('span', { class: 'muted ai-draft-sources' }, ` · AI 草稿依据：${s.aiDraft.intentIds.map(intentLabel).join('、') || '（未记录）'}；不会自动发送，请核对后再发`) : null,
      s.kind === 'answer' ? h('span', { class: 'badge', title: s.intentId ?? '' }, `意图 ${intentLabel(s.intentId)} · 置信度 ${percent(s.score)}`) : null,
      s.matchedIntentId !== null ? h('span', { class: 'muted' }, ` 已纠正（原匹配 ${s.matchedIntentId || '无'}）`) : null),
    pending ? answerHints(ctx.hints, draft) : null,
    s.escalationDetail ? h('p', { class: 'escalation-detail', role: 'note' }, `升级原因：${s.escalationDetail}`) : null,
    h('label', { for: QUEUE_IDS.draft, class: 'muted' }, pending ? DRAFT_LABEL[s.kind] ?? DRAFT_LABEL.answer : s.status === 'rejected' && s.kind === 'reminder' ? '已忽略' : '已发送内容'),
    draft,
    s.lastError ? h('p', { class: 'error', role: 'alert' }, s.status === 'sending' ? `正在发送：${s.lastError}` : `上次发送失败：${s.lastError}`) : null,
    pending ? actions(s, draft) : s.status === 'sending' ? h('p', { class: 'muted' }, `${STATUS.sending} · ${s.decidedBy ?? ''}`) : h('p', { class: 'muted' }, `${DECISION[s.decision ?? ''] ?? s.status} · ${s.decidedBy ?? ''} · ${s.decidedAt ? formatTime(s.decidedAt) : ''}${s.responseMs !== null ? ` · 响应 ${Math.round(s.responseMs / 1000)} 秒` : ''}`),
    h('div', { id: QUEUE_IDS.inlineForm }),
  )
  const side = h('section', { class: 'card', 'aria-label': '上下文' },
    h('h2', {}, '群内对话'),
    // Tag actions store their trigger as a message of their own (rules:…); only this suggestion's belongs here.
    h('ol', { class: 'conversation' }, ...ctx.conversation.filter((m) => !m.id.startsWith('rules:') || m.id === s.messageId).map((m) =>
      h('li', { class: [m.fromSelf ? 'self' : '', m.id === s.messageId ? 'current' : ''].join(' ').trim() || undefined },
        h('div', { class: 'who' }, `${m.id.startsWith('rules:') ? m.senderName : m.fromSelf ? '机器人' : m.senderName} · ${formatTime(m.sentAt)}`), m.text, mediaView(m.media)))),
    h('h2', {}, `${s.memberName} 的历史提问`),
    ctx.membership ? h('p', { class: 'muted' }, `${ctx.membership.joinedAtEstimated ? '最晚' : ''}${formatTime(ctx.membership.joinedAt)} 入群（${`${formatWait(Date.now() - Date.parse(ctx.membership.joinedAt))}前`.replace('刚刚前', '刚刚')}${ctx.membership.joinedAtEstimated ? '，估计' : ''}）`) : null,
    memberProfile(ctx.profile),
    ctx.history.length === 0 ? h('p', { class: 'muted' }, '第一次提问') : h('ul', { class: 'history' }, ...ctx.history.map((x) =>
      h('li', {}, h('span', { class: 'muted' }, `${formatTime(x.askedAt)} `), x.question, ' ', h('span', { class: 'badge' }, KIND[x.kind] ?? intentLabel(x.intentId)), ' ', h('span', { class: 'muted' }, DECISION[x.decision ?? ''] ?? '待处理')))),
  )
  detail.replaceChildren(h('div', { class: 'detail-grid' }, main, side))
  showNote(s)
  // Show the question itself in the conversation, with what came just before it.
  const list = side.querySelector<HTMLElement>('.conversation')
  const current = list?.querySelector<HTMLElement>('li.current')
  if (list && current) list.scrollTop = current.offsetTop - list.offsetTop - list.clientHeight / 2
}

function actions(s: SuggestionItem, draft: HTMLTextAreaElement): HTMLElement {
  // Reminders and attention items have no draft: the agent may write to the customer, or dismiss the item.
  const reminder = s.kind === 'reminder' || s.kind === 'attention'
  return h('div', { class: 'actions' },
    h('button', { type: 'button', class: 'primary', id: QUEUE_IDS.send, onclick: () => void send(s, draft) }, state.sidebar ? '以我的身份发送 (Enter)' : reminder ? '发送消息 (Enter)' : '发送 (Enter)'),
    h('button', { type: 'button', id: QUEUE_IDS.reject, class: 'danger', onclick: () => showReject(s) }, reminder ? '忽略 (R)' : '拒绝 (R)'),
    // Only a customer's question can teach the matcher; a tag action's text is not an example of any intent.
    isQuestion(s) ? h('button', { type: 'button', id: QUEUE_IDS.fixIntent, onclick: () => showFixIntent(s) }, '意图不对 (I)') : null,
    quickReplyPicker(s, draft),
  )
}

/** 常用语 (Q): filled for this customer by the server; the chosen one goes into the draft where the cursor is. */
function quickReplyPicker(s: SuggestionItem, draft: HTMLTextAreaElement): HTMLSelectElement {
  const picker = h('select', { id: QUEUE_IDS.quickReply, 'aria-label': '插入常用语 (Q)', hidden: true }, h('option', { value: '' }, '常用语 (Q)…'))
  const texts = new Map<string, string>()
  void api<QuickReplyView[]>('GET', `/api/suggestions/${s.id}/quick-replies`).then((snippets) => {
    if (snippets.length === 0) return
    for (const q of snippets) texts.set(String(q.id), q.text)
    picker.append(...snippets.map((q) => h('option', { value: String(q.id), title: q.text }, q.title)))
    picker.hidden = false
  }).catch(() => undefined)
  picker.addEventListener('change', () => {
    const text = texts.get(picker.value)
    picker.value = ''
    if (text === undefined || draft.disabled) return
    draft.setRangeText(text, draft.selectionStart, draft.selectionEnd, 'end')
    // As if typed: the claim is renewed and a live change will not replace the words.
    draft.dispatchEvent(new Event('input', { bubbles: true }))
    draft.focus()
  })
  return picker
}

/**
 * Runs one decision on the open item. It names the version on screen; a colleague's claim is confirmed first
 * (`takeOver` after the confirm). A refusal keeps the pane on the item: `stale` shows the item as it is now (keeping
 * the words typed), `claimed_by_other` asks for the takeover.
 */
async function act(work: (takeOver: boolean) => Promise<unknown>, done: string, takeOver = false): Promise<void> {
  if (state.busy) return
  if (!takeOver && state.holder) return confirmTakeOver(state.holder, () => void act(work, done, true))
  state.busy = true
  const typed = (document.getElementById(QUEUE_IDS.draft) as HTMLTextAreaElement | null)?.value
  let after: 'next' | 'reload' | 'keep' = 'next'
  try {
    await work(takeOver)
    state.advance = true
    state.shown = null
    toast(done)
  } catch (error) {
    const current = error instanceof ApiError ? (error.body as Partial<SuggestionConflictBody> | undefined)?.current : undefined
    if (error instanceof ApiError && error.code === 'claimed_by_other' && current?.claimedBy) {
      after = 'keep'
      noteClaim(current)
      confirmTakeOver(current.claimedBy, () => void act(work, done, true))
    } else {
      after = current ? 'reload' : 'next'
      toast(error instanceof ApiError ? error.message : `操作失败：${(error as Error).message}`, 'error')
    }
  } finally {
    state.busy = false
    if (after === 'next') await refresh()
    else {
      await refresh(false)
      if (after === 'reload') await renderDetail(typed !== undefined ? { keepDraft: typed } : {})
    }
  }
}

/**
 * Knowledge answers that ranked close below the threshold for a question the bot handed over: one click puts one
 * into the draft, as a start the agent checks and edits (the bot itself never sends these).
 */
function answerHints(hints: SuggestionContextView['hints'], draft: HTMLTextAreaElement): HTMLElement | null {
  if (hints.length === 0) return null
  return h('div', { class: 'answer-hints', role: 'group', 'aria-label': '可能相关的知识' },
    h('p', { class: 'muted' }, '可能相关的知识（低于接受阈值，请核对后使用）：'),
    ...hints.map((hint) => h('button', {
      type: 'button', class: 'answer-hint', title: hint.answer,
      onclick: () => {
        draft.value = hint.answer
        draft.focus()
        // Typing claims the item; filling the draft is the same activity.
        draft.dispatchEvent(new Event('input'))
      },
    }, `用「${intentLabel(hint.intentId)}」的回答 · ${percent(hint.score)}`)))
}

/** Asks before deciding on an item a colleague holds. 取消 has the focus: a stray Enter must not take it over. */
function confirmTakeOver(holder: string, proceed: () => void): void {
  const cancel = h('button', { type: 'button', onclick: () => form.remove() }, '取消')
  const form = h('form', { class: 'confirm-takeover', id: QUEUE_IDS.confirmTakeOver, role: 'alertdialog', 'aria-label': '确认接手', onsubmit: (e: Event) => {
    e.preventDefault()
    form.remove()
    proceed()
  } }, h('p', {}, `${holder} 正在处理这条建议。确定接手并继续吗？（会记录在审计日志）`), h('button', { type: 'submit', class: 'primary' }, '接手并继续'), cancel)
  byId(QUEUE_IDS.inlineForm).replaceChildren(form)
  cancel.focus()
}

async function send(s: SuggestionItem, draft: HTMLTextAreaElement): Promise<void> {
  const text = draft.value.trim()
  if (!text) {
    toast(s.kind === 'reminder' ? '提醒没有草稿：请先写要发给客户的消息，或点「忽略」' : s.kind === 'attention' ? '需关注没有草稿：请先写要发给客户的消息，或点「忽略」' : '请先填写回复内容', 'error')
    draft.focus()
    return
  }
  const edited = text !== (s.text ?? '').trim()
  const sidebar = state.sidebar
  if (sidebar) {
    await act(async (takeOver) => {
      // The words leave through the agent's own WeCom: ask the queue first (claim, version), then record what went out.
      await api('POST', `/api/suggestions/${s.id}/claim`, takeOver ? { takeOver: true } : {})
      const now = await api<SuggestionItem>('GET', `/api/suggestions/${s.id}`)
      if (now.version !== s.version) throw new ApiError(409, 'stale', `建议 #${s.id} 刚有变化，已显示最新内容，请确认后再发送`, { current: now })
      await sidebar.send(text)
      await api('POST', `/api/suggestions/${s.id}/mark-sent`, { text, via: 'wecom-sidebar', version: s.version, takeOver: true })
    }, '已以您的身份发送')
    return
  }
  await act((takeOver) => api('POST', `/api/suggestions/${s.id}/send`, { version: s.version, ...(edited ? { text } : {}), ...(takeOver ? { takeOver } : {}) }), edited ? '已编辑并发送' : '已发送')
}

function showReject(s: SuggestionItem): void {
  const verb = s.kind === 'reminder' || s.kind === 'attention' ? '忽略' : '拒绝'
  const reason = h('input', { id: QUEUE_IDS.rejectReason, 'aria-label': `${verb}原因`, placeholder: '原因（可选），如：客户已私聊解决', maxlength: 500 })
  const form = h('form', { class: 'reject-form', onsubmit: (e: Event) => {
    e.preventDefault()
    void act((takeOver) => api('POST', `/api/suggestions/${s.id}/reject`, { version: s.version, ...(reason.value.trim() ? { reason: reason.value.trim() } : {}), ...(takeOver ? { takeOver } : {}) }), `已${verb}`)
  } }, reason, h('button', { type: 'submit', class: 'danger' }, `确认${verb}`), h('button', { type: 'button', onclick: () => form.remove() }, '取消'))
  byId(QUEUE_IDS.inlineForm).replaceChildren(form)
  reason.focus()
}

function showFixIntent(s: SuggestionItem): void {
  const select = h('select', { id: QUEUE_IDS.intentSelect, 'aria-label': '正确的意图' },
    ...state.intents.map((i) => {
      const option = h('option', { value: i.id }, `${i.name ? `${i.name} ` : ''}${i.id}（${i.example}）`)
      if (i.id === s.intentId) option.selected = true
      return option
    }))
  const form = h('form', { class: 'fix-intent', onsubmit: (e: Event) => {
    e.preventDefault()
    void act((takeOver) => api('POST', `/api/suggestions/${s.id}/fix-intent`, { intentId: select.value, version: s.version, ...(takeOver ? { takeOver } : {}) }), '已纠正意图：这个问题已作为新例句学习')
  } }, h('label', { for: QUEUE_IDS.intentSelect }, '正确的意图'), select, h('button', { type: 'submit', class: 'primary' }, '确认并重新起草'), h('button', { type: 'button', onclick: () => form.remove() }, '取消'))
  byId(QUEUE_IDS.inlineForm).replaceChildren(form)
  select.focus()
}

function onKey(event: KeyboardEvent): void {
  const target = event.target as HTMLElement
  const draft = document.getElementById(QUEUE_IDS.draft) as HTMLTextAreaElement | null
  if (target instanceof HTMLTextAreaElement) {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault()
      document.getElementById(QUEUE_IDS.send)?.click()
    } else if (event.key === 'Escape') target.blur()
    return
  }
  if (target instanceof HTMLInputElement || target instanceof HTMLSelectElement || event.ctrlKey || event.metaKey || event.altKey) {
    if (event.key === 'Escape') (target as HTMLElement).blur()
    return
  }
  if (target instanceof HTMLButtonElement && event.key === 'Enter') return // the button's own click
  const key = event.key.toLowerCase()
  if (key === 'j') move(1)
  else if (key === 'k') move(-1)
  else if (key === 'enter') document.getElementById(QUEUE_IDS.send)?.click()
  else if (key === 'e' && draft) {
    draft.focus()
    draft.setSelectionRange(draft.value.length, draft.value.length)
  } else if (key === 'r') document.getElementById(QUEUE_IDS.reject)?.click()
  else if (key === 'i') document.getElementById(QUEUE_IDS.fixIntent)?.click()
  else if (key === 'q') document.getElementById(QUEUE_IDS.quickReply)?.focus()
  else return
  event.preventDefault()
}
