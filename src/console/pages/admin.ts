import type { GroupView, KnowledgeGapsView, LearningAcceptView, LearningCandidatesView, LearningCandidateView, QuickReplyView, RetagView, SettingsView, UserView } from '../contract.js'
import { ADMIN_IDS } from './admin.ids.js'
import { loadIntentLabels } from './intent-names.js'
import { api, ApiError } from './api.js'
import { byId, formatTime, h, initChrome, toast } from './dom.js'

initChrome()
const tbody = byId(ADMIN_IDS.usersTable).querySelector('tbody')!

async function loadUsers(): Promise<void> {
  const users = await api<UserView[]>('GET', '/api/users')
  tbody.replaceChildren(...users.map((u) => {
    const role = h('select', { 'aria-label': `${u.name} 的角色` }, h('option', { value: 'agent' }, '坐席'), h('option', { value: 'admin' }, '管理员'))
    role.value = u.role
    role.addEventListener('change', () => void update(u, { role: role.value as UserView['role'] }))
    return h('tr', {},
      h('td', {}, u.name), h('td', {}, role), h('td', {}, u.disabled ? '已停用' : u.mustChangePassword ? '待修改密码' : '正常'), h('td', {}, formatTime(u.createdAt)),
      h('td', {}, h('button', { type: 'button', onclick: () => void update(u, { disabled: !u.disabled }) }, u.disabled ? '启用' : '停用')))
  }))
}

async function update(user: UserView, change: Partial<Pick<UserView, 'role' | 'disabled'>>): Promise<void> {
  try {
    await api('PATCH', `/api/users/${user.id}`, change)
    toast(`已更新 ${user.name}`)
  } catch (error) {
    toast(error instanceof ApiError ? error.message : String(error), 'error')
  }
  await loadUsers()
}

const addForm = byId<HTMLFormElement>(ADMIN_IDS.userAdd)
addForm.addEventListener('submit', async (event) => {
  event.preventDefault()
  const data = new FormData(addForm)
  const error = addForm.querySelector('.error') as HTMLElement
  error.hidden = true
  try {
    await api('POST', '/api/users', { name: String(data.get('name')), role: String(data.get('role')), password: String(data.get('password')) })
    addForm.reset()
    toast('已添加用户')
    await loadUsers()
  } catch (e) {
    error.textContent = e instanceof ApiError ? e.message : String(e)
    error.hidden = false
  }
})

const settingsForm = byId<HTMLFormElement>(ADMIN_IDS.settingsForm)
const sla = settingsForm.elements.namedItem('slaMinutes') as HTMLInputElement
const outreach = settingsForm.elements.namedItem('outreachPerGroupPerHour') as HTMLInputElement
const waitAlert = settingsForm.elements.namedItem('waitAlertMinutes') as HTMLInputElement
const showSettings = (s: SettingsView) => {
  sla.value = String(s.slaMinutes)
  outreach.value = String(s.outreachPerGroupPerHour)
  waitAlert.value = String(s.waitAlertMinutes)
}
settingsForm.addEventListener('submit', async (event) => {
  event.preventDefault()
  const status = settingsForm.querySelector('.status') as HTMLElement
  try {
    showSettings(await api<SettingsView>('PUT', '/api/settings', { slaMinutes: Number(sla.value), outreachPerGroupPerHour: Number(outreach.value), waitAlertMinutes: Number(waitAlert.value) }))
    status.textContent = '已保存'
  } catch (e) {
    status.textContent = e instanceof ApiError ? e.message : String(e)
  }
})

/** One row of the handoff table: use the default text, a text of its own, or send nothing. */
type AckChoice = { mode: 'default' | 'custom' | 'off'; text: string }
const HANDOFF_REASONS = [['keyword', '客户要求转人工'], ['emotion', '情绪激动'], ['intent', '投诉类问题'], ['misses', '连续答不上'], ['sla', '超时未回复']] as const
const handoffForm = byId<HTMLFormElement>(ADMIN_IDS.handoffForm)
const handoffDefault = handoffForm.elements.namedItem('handoffAck') as HTMLInputElement
const ackRows = { reasons: new Map<string, () => AckChoice>(), groups: new Map<string, () => AckChoice>() }

function ackRow(label: string, current: string | undefined): { row: HTMLTableRowElement; read: () => AckChoice } {
  const mode = h('select', { 'aria-label': `${label} 的提示` },
    h('option', { value: 'default' }, '同默认'), h('option', { value: 'custom' }, '自定义'), h('option', { value: 'off' }, '不发送'))
  const text = h('input', { maxlength: '200', 'aria-label': `${label} 的提示文字`, placeholder: '自定义提示文字' })
  mode.value = current === undefined ? 'default' : current === '' ? 'off' : 'custom'
  text.value = current ?? ''
  const sync = () => { text.disabled = mode.value !== 'custom' }
  mode.addEventListener('change', sync)
  sync()
  return { row: h('tr', {}, h('td', {}, label), h('td', {}, mode), h('td', {}, text)), read: () => ({ mode: mode.value as AckChoice['mode'], text: text.value.trim() }) }
}

function collect(rows: Map<string, () => AckChoice>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [key, read] of rows) {
    const choice = read()
    if (choice.mode === 'off') out[key] = ''
    else if (choice.mode === 'custom' && choice.text !== '') out[key] = choice.text
  }
  return out
}

async function showHandoff(s: SettingsView): Promise<void> {
  handoffDefault.value = s.handoffAck
  const groups = await api<GroupView[]>('GET', '/api/groups').catch(() => [] as GroupView[])
  const fill = (id: string, rows: Map<string, () => AckChoice>, items: ReadonlyArray<readonly [string, string]>, current: Record<string, string>) => {
    rows.clear()
    byId(id).querySelector('tbody')!.replaceChildren(...items.map(([key, label]) => {
      const { row, read } = ackRow(label, current[key])
      rows.set(key, read)
      return row
    }))
  }
  fill(ADMIN_IDS.handoffReasons, ackRows.reasons, HANDOFF_REASONS, s.handoffAckByReason)
  // Groups the bot knows, plus any configured group it no longer sees (kept, shown by id).
  const known = groups.map((g) => [g.groupId, g.groupName] as const)
  const missing = Object.keys(s.handoffAckByGroup).filter((id) => !groups.some((g) => g.groupId === id)).map((id) => [id, id] as const)
  fill(ADMIN_IDS.handoffGroups, ackRows.groups, [...known, ...missing], s.handoffAckByGroup)
}

handoffForm.addEventListener('submit', async (event) => {
  event.preventDefault()
  const status = handoffForm.querySelector('.status') as HTMLElement
  try {
    const saved = await api<SettingsView>('PUT', '/api/settings', {
      handoffAck: handoffDefault.value.trim(), handoffAckByReason: collect(ackRows.reasons), handoffAckByGroup: collect(ackRows.groups),
    })
    await showHandoff(saved)
    status.textContent = '已保存'
  } catch (e) {
    status.textContent = e instanceof ApiError ? e.message : String(e)
  }
})

const quickForm = byId<HTMLFormElement>(ADMIN_IDS.quickReplyForm)
const quickField = (name: string) => quickForm.elements.namedItem(name) as HTMLInputElement | HTMLTextAreaElement

async function loadQuickReplies(): Promise<void> {
  const snippets = await api<QuickReplyView[]>('GET', '/api/quick-replies')
  byId(ADMIN_IDS.quickReplies).querySelector('tbody')!.replaceChildren(...snippets.map((q) => h('tr', {},
    h('td', {}, q.title), h('td', { class: 'pre' }, q.text), h('td', { class: 'muted' }, `${q.updatedBy} · ${formatTime(q.updatedAt)}`),
    h('td', {},
      h('button', { type: 'button', 'aria-label': `修改常用语「${q.title}」`, onclick: () => { quickField('id').value = String(q.id); quickField('title').value = q.title; quickField('text').value = q.text; quickField('title').focus() } }, '修改'), ' ',
      h('button', { type: 'button', class: 'danger', 'aria-label': `删除常用语「${q.title}」`, onclick: () => void removeQuickReply(q) }, '删除')))))
}

async function removeQuickReply(q: QuickReplyView): Promise<void> {
  if (!window.confirm(`删除常用语「${q.title}」？`)) return
  try {
    await api('DELETE', `/api/quick-replies/${q.id}`)
    toast(`已删除常用语「${q.title}」`)
  } catch (e) {
    toast(e instanceof ApiError ? e.message : String(e), 'error')
  }
  await loadQuickReplies()
}

quickForm.addEventListener('submit', async (event) => {
  event.preventDefault()
  const status = quickForm.querySelector('.status') as HTMLElement
  const id = quickField('id').value
  const body = { title: quickField('title').value, text: quickField('text').value }
  try {
    await api(id ? 'PUT' : 'POST', id ? `/api/quick-replies/${id}` : '/api/quick-replies', body)
    quickForm.reset()
    quickField('id').value = ''
    status.textContent = '已保存'
    await loadQuickReplies()
  } catch (e) {
    status.textContent = e instanceof ApiError ? e.message : String(e)
  }
})

const servedForm = byId<HTMLFormElement>(ADMIN_IDS.servedForm)
let servedAll: Record<string, string[]> = {}

async function showServed(s: SettingsView): Promise<void> {
  servedAll = s.servedGroups
  const listed = s.servedGroups['*']
  const mode = listed === undefined ? 'all' : 'listed'
  for (const radio of servedForm.querySelectorAll<HTMLInputElement>('input[name=servedMode]')) radio.checked = radio.value === mode
  const groups = await api<GroupView[]>('GET', '/api/groups').catch(() => [] as GroupView[])
  // Listed entries the bot does not see now (a name or id typed through the API) stay listed and visible.
  const entries = [...groups.map((g) => ({ value: g.groupId, label: g.groupName, checked: (listed ?? []).some((e) => e === g.groupId || e === g.groupName) }))]
  for (const entry of listed ?? []) if (!groups.some((g) => g.groupId === entry || g.groupName === entry)) entries.push({ value: entry, label: entry, checked: true })
  const fieldset = byId(ADMIN_IDS.servedList)
  fieldset.replaceChildren(h('legend', {}, '群'), ...entries.map((e) => {
    const box = h('input', { type: 'checkbox', name: 'servedGroup', value: e.value })
    box.checked = e.checked
    return h('label', { class: 'check' }, box, ` ${e.label}`)
  }))
}

servedForm.addEventListener('submit', async (event) => {
  event.preventDefault()
  const status = servedForm.querySelector('.status') as HTMLElement
  const mode = (servedForm.querySelector('input[name=servedMode]:checked') as HTMLInputElement | null)?.value ?? 'all'
  const { ['*']: _everyInstance, ...perInstance } = servedAll
  const checked = [...servedForm.querySelectorAll<HTMLInputElement>('input[name=servedGroup]:checked')].map((box) => box.value)
  try {
    const saved = await api<SettingsView>('PUT', '/api/settings', { servedGroups: mode === 'all' ? perInstance : { ...perInstance, '*': checked } })
    await showServed(saved)
    status.textContent = mode === 'listed' && checked.length === 0 ? '已保存：没有勾选任何群，机器人不会在任何群回答' : '已保存'
  } catch (e) {
    status.textContent = e instanceof ApiError ? e.message : String(e)
  }
})

const aiDraftForm = byId<HTMLFormElement>(ADMIN_IDS.aiDraftForm)

/** The groups opted in to AI drafts: every group the bot knows, plus listed entries it does not see now (kept). */
async function showAiDraftGroups(s: SettingsView): Promise<void> {
  const listed = s.aiDraftGroups
  const groups = await api<GroupView[]>('GET', '/api/groups').catch(() => [] as GroupView[])
  const entries = groups.map((g) => ({ value: g.groupId, label: g.groupName, checked: listed.some((e) => e === g.groupId || e === g.groupName) }))
  for (const entry of listed) if (!groups.some((g) => g.groupId === entry || g.groupName === entry)) entries.push({ value: entry, label: entry, checked: true })
  byId(ADMIN_IDS.aiDraftList).replaceChildren(h('legend', {}, '开启 AI 草稿的群'), ...entries.map((e) => {
    const box = h('input', { type: 'checkbox', name: 'aiDraftGroup', value: e.value })
    box.checked = e.checked
    return h('label', { class: 'check' }, box, ` ${e.label}`)
  }))
}

aiDraftForm.addEventListener('submit', async (event) => {
  event.preventDefault()
  const status = aiDraftForm.querySelector('.status') as HTMLElement
  const checked = [...aiDraftForm.querySelectorAll<HTMLInputElement>('input[name=aiDraftGroup]:checked')].map((box) => box.value)
  try {
    await showAiDraftGroups(await api<SettingsView>('PUT', '/api/settings', { aiDraftGroups: checked }))
    status.textContent = checked.length === 0 ? '已保存：没有群开启 AI 草稿' : `已保存：${checked.length} 个群开启 AI 草稿`
  } catch (e) {
    status.textContent = e instanceof ApiError ? e.message : String(e)
  }
})

const retag = byId<HTMLButtonElement>(ADMIN_IDS.retag)
retag.addEventListener('click', async () => {
  const status = byId(ADMIN_IDS.retagStatus)
  retag.disabled = true
  status.textContent = '正在重新计算…'
  try {
    const s = await api<RetagView>('POST', '/api/tags/retag')
    status.textContent = `已重新计算 ${s.members} 个成员：${s.changed} 人有变化，新增标签 ${s.added} 个，移除 ${s.removed} 个，触发动作 ${s.actionsQueued} 个`
  } catch (e) {
    status.textContent = e instanceof ApiError ? e.message : String(e)
  } finally {
    retag.disabled = false
  }
})

const SOURCE_TEXT: Record<LearningCandidateView['source'], string> = { sent: '按原稿发送', fix: '纠正意图' }

async function loadCandidates(): Promise<void> {
  const [{ candidates, total }, intentLabel] = await Promise.all([api<LearningCandidatesView>('GET', '/api/learning/candidates'), loadIntentLabels()])
  const status = byId(ADMIN_IDS.learningStatus)
  status.textContent = total === 0 ? '暂无学习候选' : total > candidates.length ? `共 ${total} 条，显示最早的 ${candidates.length} 条` : `共 ${total} 条`
  byId(ADMIN_IDS.learningCandidates).querySelector('tbody')!.replaceChildren(...candidates.map((c) => h('tr', {},
    h('td', { class: 'pre' }, c.text),
    h('td', {}, c.intentExists ? intentLabel(c.intentId) : `${c.intentId}（已不在知识库中）`),
    h('td', {}, `${SOURCE_TEXT[c.source]} · ${c.proposedBy}${c.suggestionId === null ? '' : ` · 建议 #${c.suggestionId}`}`),
    h('td', { class: 'muted' }, formatTime(c.createdAt)),
    h('td', {},
      h('button', { type: 'button', class: 'primary', disabled: !c.intentExists, 'aria-label': `采纳学习候选 #${c.id}`, onclick: () => void decideCandidate(c, 'accept') }, '采纳'), ' ',
      h('button', { type: 'button', 'aria-label': `丢弃学习候选 #${c.id}`, onclick: () => void decideCandidate(c, 'discard') }, '丢弃')))))
}

async function decideCandidate(c: LearningCandidateView, action: 'accept' | 'discard'): Promise<void> {
  try {
    if (action === 'accept') {
      const done = await api<LearningAcceptView>('POST', `/api/learning/candidates/${c.id}/accept`)
      toast(done.reloaded ? `已采纳：写入 ${done.file}，知识库已重新加载` : `已写入 ${done.file}，但知识库没有重新加载，请检查日志`, done.reloaded ? 'info' : 'error')
    } else {
      await api('POST', `/api/learning/candidates/${c.id}/discard`)
      toast('已丢弃学习候选')
    }
  } catch (e) {
    toast(e instanceof ApiError ? e.message : String(e), 'error')
  }
  await loadCandidates()
}

const gapsForm = byId<HTMLFormElement>(ADMIN_IDS.gapsForm)
gapsForm.addEventListener('submit', async (event) => {
  event.preventDefault()
  const list = byId(ADMIN_IDS.gapsList)
  const days = Number((gapsForm.elements.namedItem('days') as HTMLInputElement).value)
  list.replaceChildren(h('p', { class: 'muted' }, '正在分析…'))
  try {
    const found = await api<KnowledgeGapsView>('GET', `/api/learning/gaps?days=${days}`)
    if (found.gaps.length === 0) {
      list.replaceChildren(h('p', { class: 'muted' }, `最近 ${found.days} 天没有未匹配的问题`))
      return
    }
    list.replaceChildren(h('p', { class: 'muted' }, `最近 ${found.days} 天 ${found.questions} 个未匹配的问题，分成 ${found.gaps.length} 组：`), ...found.gaps.map((g) => h('div', { class: 'gap' },
      h('h2', {}, `${g.draftId}：${g.count} 次 · ${g.questions[0] ?? ''}`),
      h('pre', { class: 'pre' }, g.yaml),
      h('button', { type: 'button', 'aria-label': `复制为 YAML：${g.draftId}`, onclick: () => void copyYaml(g.yaml) }, '复制为 YAML'))))
  } catch (e) {
    list.replaceChildren(h('p', { class: 'error' }, e instanceof ApiError ? e.message : String(e)))
  }
})

async function copyYaml(yaml: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(yaml)
    toast('已复制 YAML')
  } catch {
    toast('无法访问剪贴板，请手动选中复制', 'error')
  }
}

void loadUsers()
void loadQuickReplies()
void loadCandidates()
void api<SettingsView>('GET', '/api/settings').then(async (s) => { showSettings(s); await showServed(s); await showAiDraftGroups(s); await showHandoff(s) })
