import type { CalibrationView, KnowledgeTestView, KnowledgeView } from '../contract.js'
import { api, ApiError } from './api.js'
import { byId, formatTime, h, initChrome, toast } from './dom.js'
import { KNOWLEDGE_IDS } from './knowledge.ids.js'

const KINDS: Record<string, string> = {
  confusable: '易混淆', few_examples: '例句太少', duplicate_example: '重复例句', shared_example: '共用例句', unknown_placeholder: '未知变量',
}
const EMOTIONS: Record<string, string> = { none: '平静', mild: '轻微不满', moderate: '不满', severe: '强烈不满' }

initChrome()
const status = byId(KNOWLEDGE_IDS.status)
const loadError = byId(KNOWLEDGE_IDS.loadError)
const lint = byId(KNOWLEDGE_IDS.lint)
const filter = byId<HTMLInputElement>(KNOWLEDGE_IDS.filter)
const intentsBody = byId(KNOWLEDGE_IDS.intents).querySelector('tbody')!
const result = byId(KNOWLEDGE_IDS.testResult)
const calibrateButton = byId<HTMLButtonElement>(KNOWLEDGE_IDS.calibrate)
const calibrationResult = byId(KNOWLEDGE_IDS.calibrationResult)
let view: KnowledgeView | undefined
let timer: number | undefined
let calibrationTimer: number | undefined

/** `knowledge/shop.yaml:12`: the path as loaded, from the knowledge folder's name on when it is long. */
const where = (file: string, line: number) => `${file}${line > 0 ? `:${line}` : ''}`

async function load(): Promise<void> {
  window.clearTimeout(timer)
  try {
    view = await api<KnowledgeView>('GET', '/api/knowledge')
    render(view)
  } catch (error) {
    status.textContent = `读取失败：${(error as Error).message}`
  }
  // Lint runs in the background per version: ask again soon while it runs, and now and then for a new load error.
  timer = window.setTimeout(() => void load(), view?.lint.status === 'running' ? 2000 : 10000)
}

function render(v: KnowledgeView): void {
  status.textContent = `版本 ${v.version} · ${v.intents.length} 个意图 · 加载于 ${formatTime(v.loadedAt)}`
  loadError.hidden = !v.loadError
  loadError.replaceChildren(...(v.loadError
    ? [h('strong', {}, `知识库文件有错误（${formatTime(v.loadError.at)}），机器人仍按上一个正确的版本回答。请修改：`),
        h('ul', {}, ...v.loadError.problems.map((p) => h('li', {}, h('code', {}, where(p.file, p.line)), ` ${p.message}`, p.hint ? ` — ${p.hint}` : '')))]
    : []))
  if (v.lint.status === 'running') lint.replaceChildren(h('p', { class: 'muted' }, '检查中…（留出例句重新训练，需要几秒到几十秒）'))
  else if (v.lint.status === 'failed') lint.replaceChildren(h('p', { class: 'error' }, `检查失败：${v.lint.error}`))
  else {
    const { warnings, heldOut, folds, ms } = v.lint
    lint.replaceChildren(
      h('p', { class: 'muted' }, `${warnings.length === 0 ? '没有提醒' : `${warnings.length} 条提醒`}（留出 ${heldOut} 个例句分 ${folds} 轮检验，用时 ${(ms / 1000).toFixed(1)} 秒）`),
      h('ul', { class: 'history' }, ...warnings.map((w) => h('li', {},
        h('span', { class: 'badge' }, KINDS[w.kind] ?? w.kind), ' ', w.message, ' ', h('code', { class: 'muted' }, where(w.file, w.line)),
        h('div', { class: 'muted' }, w.hint),
        w.kind === 'confusable' ? h('ul', {}, ...w.examples.slice(0, 5).map((e) => h('li', { class: 'muted' }, e))) : null))))
  }
  renderIntents()
}

function renderIntents(): void {
  if (!view) return
  const q = filter.value.trim().toLowerCase()
  const shown = view.intents.filter((i) => !q || [i.id, i.name ?? '', i.answer, ...i.examples].some((t) => t.toLowerCase().includes(q)))
  intentsBody.replaceChildren(...shown.map((i) => h('tr', {},
    h('td', {}, h('code', {}, i.id), i.name ? h('div', {}, i.name) : null),
    h('td', {}, h('ul', { class: 'history' }, ...i.examples.map((e) => h('li', {}, e)))),
    h('td', {}, i.answer),
    h('td', {}, i.autoSend ? '是' : '否'),
    h('td', { class: 'muted' }, where(i.file, i.line)))))
  if (shown.length === 0) intentsBody.append(h('tr', {}, h('td', { colspan: 5, class: 'muted' }, '没有符合的意图')))
}

byId<HTMLFormElement>(KNOWLEDGE_IDS.testForm).addEventListener('submit', async (event) => {
  event.preventDefault()
  const question = byId<HTMLInputElement>(KNOWLEDGE_IDS.question).value.trim()
  const groupId = byId<HTMLInputElement>(KNOWLEDGE_IDS.group).value.trim()
  if (!question) return
  try {
    showTest(await api<KnowledgeTestView>('POST', '/api/knowledge/test', { question, ...(groupId ? { groupId } : {}) }))
  } catch (error) {
    toast(error instanceof ApiError ? error.message : '请求失败', 'error')
  }
})

/** An intent as the admin named it (knowledge `name:`), with its id. */
function intentLabel(id: string): string {
  const name = view?.intents.find((i) => i.id === id)?.name
  return name ? `${name}（${id}）` : id
}

function showTest(t: KnowledgeTestView): void {
  const pct = (x: number) => x.toFixed(3)
  const answer = t.answer ? [h('p', {}, '答案：', t.answer)] : []
  result.replaceChildren(
    h('p', { class: 'question' }, t.intent
      ? `匹配：${intentLabel(t.intent.intentId)}（得分 ${pct(t.intent.score)} ≥ 阈值 ${pct(t.threshold)}）${t.confident ? '，把握大' : ''}`
      : `无匹配，转人工（最高分低于阈值 ${pct(t.threshold)}）`),
    ...answer,
    h('p', { class: 'muted' }, `阈值来自 ${t.bandsText}；${t.semantic ? '得分已融合向量服务的语义相似度（下表是其中的离线部分）；' : ''}${t.formula}`),
    h('table', { class: 'table' },
      h('thead', {}, h('tr', {}, h('th', {}, '排名'), h('th', {}, '意图'), h('th', {}, '得分'), h('th', {}, '中心相似'), h('th', {}, '最近例句'), h('th', {}, '分类器'), h('th', {}, '混合'))),
      h('tbody', {}, ...t.evidence.map((e, i) => h('tr', {},
        h('td', {}, i + 1), h('td', {}, intentLabel(e.intentId)), h('td', {}, pct(e.score)), h('td', {}, pct(e.centroid)),
        h('td', {}, pct(e.nearest)), h('td', {}, pct(e.classifier)), h('td', {}, `${pct(e.blend)}${e.capped ? '（受中心相似限制）' : ''}`))))),
    h('p', { class: 'muted' }, `情绪：${EMOTIONS[t.emotion] ?? t.emotion}${t.escalation ? `；转人工：${t.escalation.detail}` : ''}`),
  )
}

const PHASES = { intents: '留出意图', examples: '留出例句' } as const
const share = (x: number) => `${(x * 100).toFixed(1)}%`

async function loadCalibration(): Promise<void> {
  window.clearTimeout(calibrationTimer)
  let c: CalibrationView | undefined
  try {
    c = await api<CalibrationView>('GET', '/api/knowledge/calibration')
    renderCalibration(c)
  } catch (error) {
    calibrationResult.replaceChildren(h('p', { class: 'error' }, `读取校准状态失败：${(error as Error).message}`))
  }
  // Every second while it runs (the progress moves); otherwise now and then, for a run another admin started.
  calibrationTimer = window.setTimeout(() => void loadCalibration(), c?.status === 'running' ? 1000 : 15000)
}

function renderCalibration(c: CalibrationView): void {
  const running = c.status === 'running'
  calibrateButton.disabled = running
  calibrateButton.textContent = c.status === 'idle' ? '开始校准' : running ? '校准中…' : '重新校准'
  const band = `当前阈值：建议 S = ${c.current.suggest}，自动发送 A = ${c.current.autoSend}（${c.current.source === 'default' ? '内置默认值' : '知识库 matching: 段落'}）`
  const parts: Array<Node | null> = [h('p', {}, band)]
  if (running) {
    const p = c.progress
    parts.push(h('p', { role: 'status' }, `校准中（${c.startedBy ?? ''} 发起于 ${c.startedAt ? formatTime(c.startedAt) : ''}）：`,
      p ? `${PHASES[p.phase]} ${p.done}/${p.total}` : '加载知识库…',
      p ? h('progress', { max: p.total, value: p.done, 'aria-label': '校准进度' }) : null))
  } else if (c.status === 'failed' && c.error) {
    parts.push(h('div', { class: 'escalation-detail', role: 'alert' }, h('strong', {}, `校准失败：${c.error.message}`),
      h('ul', {}, ...c.error.problems.map((p) => h('li', {}, h('code', {}, where(p.file, p.line)), ` ${p.message}`, p.hint ? ` — ${p.hint}` : '')))))
  } else if (c.status === 'done' && c.result) {
    const r = c.result
    const chosen = r.accept?.threshold
    parts.push(
      h('p', { class: 'muted' }, `${r.intents} 个意图；留出例句 ${r.listed} 条、留出意图 ${r.leftOutIntents} 个（其例句 ${r.unlisted} 条当作知识库没有的问题）${r.sampled ? '，知识库较大，已均匀抽样' : ''}；共训练 ${r.folds} 次，用时 ${(r.ms / 1000).toFixed(1)} 秒；排第一即原意图 ${share(r.top1)}。${view && view.version !== r.knowledgeVersion ? '校准后知识库已更新，结果可能已过时，可重新校准。' : ''}`),
      h('table', { class: 'table' },
        h('thead', {}, h('tr', {}, h('th', {}, '阈值 S'), h('th', {}, '答对'), h('th', {}, '答错意图'), h('th', {}, '转人工'), h('th', {}, '误接（未收录）'))),
        h('tbody', {}, ...r.curve.map((p) => h('tr', p.threshold === chosen ? { class: 'chosen' } : {},
          h('td', {}, `${p.threshold.toFixed(2)}${p.threshold === chosen ? ' ← 建议' : ''}`), h('td', {}, share(p.accuracy)), h('td', {}, share(p.wrongAccept)),
          h('td', {}, share(p.miss)), h('td', {}, share(p.falseAccept)))))),
    )
    if (!r.accept) parts.push(h('p', { class: 'error' }, '例句太少，无法留出检验：每个意图至少写 2 条例句。'))
    else if (!r.accept.met) parts.push(h('p', { class: 'error' }, `没有哪个阈值能让误接不超过 ${share(c.targetFalseAccept)}；最严的 ${r.accept.threshold} 仍误接 ${share(r.accept.falseAccept)}。给相近的意图补充更有区分度的例句后重新校准。`))
    else {
      const autoSend = Math.max(r.autoSend?.threshold ?? r.accept.threshold, r.accept.threshold)
      parts.push(h('p', {}, `建议 S = ${r.accept.threshold}：答对 ${share(r.accept.accuracy)}，答错意图 ${share(r.accept.wrongAccept)}，误接未收录问题 ${share(r.accept.falseAccept)}（目标 ≤ ${share(c.targetFalseAccept)}）；建议 A = ${autoSend}。`))
      const already = c.written && c.written.suggest === r.accept.threshold && c.written.autoSend === autoSend && c.finishedAt !== null && c.written.at >= c.finishedAt
      if (!already) parts.push(h('button', { type: 'button', class: 'primary', onclick: () => void applyCalibration() }, `写入建议阈值（S ${r.accept.threshold}，A ${autoSend}）`))
    }
  }
  if (c.written) parts.push(h('p', { class: 'muted' }, `${c.written.by} 于 ${formatTime(c.written.at)} 写入 ${c.written.file}：S = ${c.written.suggest}，A = ${c.written.autoSend}`))
  calibrationResult.replaceChildren(...parts.filter((p): p is Node => p !== null))
}

async function applyCalibration(): Promise<void> {
  try {
    const c = await api<CalibrationView>('POST', '/api/knowledge/calibration/apply')
    renderCalibration(c)
    toast(`已写入 ${c.written?.file ?? 'matching.yaml'}，知识库已重新加载`)
    void load()
  } catch (error) {
    toast(error instanceof ApiError ? error.message : '写入失败', 'error')
  }
}

calibrateButton.addEventListener('click', async () => {
  calibrateButton.disabled = true
  try {
    renderCalibration(await api<CalibrationView>('POST', '/api/knowledge/calibration', {}))
    void loadCalibration()
  } catch (error) {
    calibrateButton.disabled = false
    toast(error instanceof ApiError ? error.message : '请求失败', 'error')
  }
})

filter.addEventListener('input', renderIntents)
void load()
void loadCalibration()
