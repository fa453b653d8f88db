import { MEMBERS_IDS } from './members.ids.js'
import type { PageDefinition } from './render-page.js'

/** 成员: the tag distribution over time, the filters and the member list; members.ts fills them from the API. */
export const MEMBERS_PAGE: PageDefinition = {
  url: '/members', page: 'members', title: '成员', access: 'agent', scripts: ['/assets/chart.umd.min.js'],
  body: `
<section class="members">
  <section class="card" aria-labelledby="${MEMBERS_IDS.distTitle}">
    <div class="section-head">
      <h2 id="${MEMBERS_IDS.distTitle}">标签分布趋势</h2>
      <label for="${MEMBERS_IDS.distKind}">显示</label>
      <select id="${MEMBERS_IDS.distKind}"><option value="lifecycle">生命周期阶段</option><option value="tag">标签</option></select>
      <label for="${MEMBERS_IDS.distDays}">范围</label>
      <select id="${MEMBERS_IDS.distDays}"><option value="7">近 7 天</option><option value="30" selected>近 30 天</option><option value="90">近 90 天</option></select>
    </div>
    <p class="muted" id="${MEMBERS_IDS.distNote}" hidden></p>
    <div class="dist-layout">
      <figure class="chart-box"><canvas id="${MEMBERS_IDS.chartDistribution}" role="img" aria-label="每天各生命周期阶段的成员数折线图"></canvas></figure>
      <div><h3 id="${MEMBERS_IDS.countsTitle}">当前人数</h3><ul class="tag-counts" id="${MEMBERS_IDS.tagCounts}" aria-labelledby="${MEMBERS_IDS.countsTitle}" aria-live="polite"></ul></div>
    </div>
  </section>
  <form id="${MEMBERS_IDS.filter}" class="filters card" role="search" aria-label="筛选成员">
    <div class="field"><label for="${MEMBERS_IDS.filterTag}">标签</label><select id="${MEMBERS_IDS.filterTag}" name="tag"><option value="">全部标签</option></select></div>
    <div class="field"><label for="${MEMBERS_IDS.filterLifecycle}">生命周期</label><select id="${MEMBERS_IDS.filterLifecycle}" name="lifecycle"><option value="">全部阶段</option></select></div>
    <div class="field"><label for="${MEMBERS_IDS.filterGroup}">群</label><select id="${MEMBERS_IDS.filterGroup}" name="groupId"><option value="">全部群</option></select></div>
    <div class="field"><label for="${MEMBERS_IDS.filterQ}">搜索</label><input id="${MEMBERS_IDS.filterQ}" name="q" type="search" maxlength="64" placeholder="昵称或 ID"></div>
    <label class="check"><input name="includeLeft" type="checkbox" value="true"> 含已退群</label>
    <button type="submit" class="primary">筛选</button>
  </form>
  <section class="card" aria-labelledby="${MEMBERS_IDS.membersTitle}">
    <h2 id="${MEMBERS_IDS.membersTitle}">成员 <span class="muted" id="${MEMBERS_IDS.total}" aria-live="polite"></span></h2>
    <table class="table" id="${MEMBERS_IDS.table}">
      <thead><tr><th scope="col">成员</th><th scope="col">群</th><th scope="col">生命周期</th><th scope="col">标签</th><th scope="col">入群时间</th></tr></thead>
      <tbody></tbody>
    </table>
    <nav class="pager" aria-label="分页">
      <button type="button" id="${MEMBERS_IDS.pagePrev}">上一页</button>
      <span id="${MEMBERS_IDS.pageInfo}" class="muted"></span>
      <button type="button" id="${MEMBERS_IDS.pageNext}">下一页</button>
    </nav>
  </section>
</section>`,
}
