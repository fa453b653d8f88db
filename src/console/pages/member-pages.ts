import { METRICS } from '../../tagging/metrics.js'

/** Static skeletons of the member pages (成员 list and one member); members.ts / member.ts fill them from the API. */
export const MEMBERS_BODY = `
<section class="members">
  <section class="card" aria-labelledby="dist-title">
    <div class="section-head">
      <h2 id="dist-title">标签分布趋势</h2>
      <label for="dist-kind">显示</label>
      <select id="dist-kind"><option value="lifecycle">生命周期阶段</option><option value="tag">标签</option></select>
      <label for="dist-days">范围</label>
      <select id="dist-days"><option value="7">近 7 天</option><option value="30" selected>近 30 天</option><option value="90">近 90 天</option></select>
    </div>
    <p class="muted" id="dist-note" hidden></p>
    <div class="dist-layout">
      <figure class="chart-box"><canvas id="chart-distribution" role="img" aria-label="每天各生命周期阶段的成员数折线图"></canvas></figure>
      <div><h3 id="counts-title">当前人数</h3><ul class="tag-counts" id="tag-counts" aria-labelledby="counts-title" aria-live="polite"></ul></div>
    </div>
  </section>
  <form id="member-filter" class="filters card" role="search" aria-label="筛选成员">
    <div class="field"><label for="filter-tag">标签</label><select id="filter-tag" name="tag"><option value="">全部标签</option></select></div>
    <div class="field"><label for="filter-lifecycle">生命周期</label><select id="filter-lifecycle" name="lifecycle"><option value="">全部阶段</option></select></div>
    <div class="field"><label for="filter-group">群</label><select id="filter-group" name="groupId"><option value="">全部群</option></select></div>
    <div class="field"><label for="filter-q">搜索</label><input id="filter-q" name="q" type="search" maxlength="64" placeholder="昵称或 ID"></div>
    <label class="check"><input name="includeLeft" type="checkbox" value="true"> 含已退群</label>
    <button type="submit" class="primary">筛选</button>
  </form>
  <section class="card" aria-labelledby="members-title">
    <h2 id="members-title">成员 <span class="muted" id="members-total" aria-live="polite"></span></h2>
    <table class="table" id="members-table">
      <thead><tr><th scope="col">成员</th><th scope="col">群</th><th scope="col">生命周期</th><th scope="col">标签</th><th scope="col">入群时间</th></tr></thead>
      <tbody></tbody>
    </table>
    <nav class="pager" aria-label="分页">
      <button type="button" id="page-prev">上一页</button>
      <span id="page-info" class="muted"></span>
      <button type="button" id="page-next">下一页</button>
    </nav>
  </section>
</section>`

/** Metric name -> 中文说明 (from METRICS), handed to the browser script, which cannot import src/tagging. */
const METRIC_LABELS = Object.fromEntries(Object.entries(METRICS).map(([name, info]) => [name, info.description]))
// A JSON data block is never executed (the CSP allows no inline scripts); `<` is escaped so it cannot close the tag.
const metricLabelsJson = JSON.stringify(METRIC_LABELS).replace(/</g, '\\u003c')

export const MEMBER_BODY = `
<section class="member" id="member" aria-live="polite">
  <p><a href="/members">← 返回成员列表</a></p>
  <h1 id="member-name">加载中…</h1>
  <div id="memberships"></div>
  <section class="card" aria-labelledby="history-title">
    <h2 id="history-title">标签历史</h2>
    <div id="tag-history"></div>
  </section>
  <section class="card" aria-labelledby="crm-title">
    <h2 id="crm-title">CRM 资料</h2>
    <div id="crm"></div>
  </section>
  <div id="privacy"></div>
</section>
<script type="application/json" id="metric-labels">${metricLabelsJson}</script>`
