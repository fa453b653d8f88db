import { AUDIT_IDS } from './audit.ids.js'
import type { PageDefinition } from './render-page.js'

/** 审计日志: audit.ts pages through /api/audit. */
export const AUDIT_PAGE: PageDefinition = {
  url: '/audit', page: 'audit', title: '审计日志', access: 'admin',
  body: `
<section class="card">
  <h1>审计日志</h1>
  <table class="table" id="${AUDIT_IDS.table}"><thead><tr><th>时间</th><th>操作人</th><th>操作</th><th>对象</th><th>详情</th></tr></thead><tbody></tbody></table>
  <button type="button" id="${AUDIT_IDS.more}">加载更多</button>
</section>`,
}
