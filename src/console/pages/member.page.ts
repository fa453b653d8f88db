import { METRICS } from '../../tagging/metrics.js'
import { MEMBER_IDS } from './member.ids.js'
import type { PageDefinition } from './render-page.js'

/** Metric name -> 中文说明 (from METRICS), handed to the browser script, which cannot import src/tagging. */
const METRIC_LABELS = Object.fromEntries(Object.entries(METRICS).map(([name, info]) => [name, info.description]))
// A JSON data block is never executed (the CSP allows no inline scripts); `<` is escaped so it cannot close the tag.
const metricLabelsJson = JSON.stringify(METRIC_LABELS).replace(/</g, '\\u003c')

/** One member: memberships with tags and metrics, tag history, CRM data and (admins) privacy; member.ts fills them. */
export const MEMBER_PAGE: PageDefinition = {
  url: '/members/:id', page: 'member', nav: 'members', title: '成员详情', access: 'agent',
  body: `
<section class="member" id="${MEMBER_IDS.member}" aria-live="polite">
  <p><a href="/members">← 返回成员列表</a></p>
  <h1 id="${MEMBER_IDS.name}">加载中…</h1>
  <div id="${MEMBER_IDS.memberships}"></div>
  <section class="card" aria-labelledby="${MEMBER_IDS.historyTitle}">
    <h2 id="${MEMBER_IDS.historyTitle}">标签历史</h2>
    <div id="${MEMBER_IDS.tagHistory}"></div>
  </section>
  <section class="card" aria-labelledby="${MEMBER_IDS.crmTitle}">
    <h2 id="${MEMBER_IDS.crmTitle}">CRM 资料</h2>
    <div id="${MEMBER_IDS.crm}"></div>
  </section>
  <div id="${MEMBER_IDS.privacy}"></div>
</section>
<script type="application/json" id="${MEMBER_IDS.metricLabels}">${metricLabelsJson}</script>`,
}
