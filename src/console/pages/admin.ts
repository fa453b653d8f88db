import type { RetagView, SettingsView, UserView } from '../contract.js'
import { ADMIN_IDS } from './admin.ids.js'
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
const showSettings = (s: SettingsView) => {
  sla.value = String(s.slaMinutes)
  outreach.value = String(s.outreachPerGroupPerHour)
}
settingsForm.addEventListener('submit', async (event) => {
  event.preventDefault()
  const status = settingsForm.querySelector('.status') as HTMLElement
  try {
    showSettings(await api<SettingsView>('PUT', '/api/settings', { slaMinutes: Number(sla.value), outreachPerGroupPerHour: Number(outreach.value) }))
    status.textContent = '已保存'
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

void loadUsers()
void api<SettingsView>('GET', '/api/settings').then(showSettings)
