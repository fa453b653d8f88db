import type { PageDefinition } from './render-page.js'
import { REPORTS_IDS } from './reports.ids.js'

/** 报表: the filter, KPIs, charts and tables; reports.ts fills them from /api/reports. */
export const REPORTS_PAGE: PageDefinition = {
  url: '/reports', page: 'reports', title: '报表', access: 'agent', scripts: ['/assets/chart.umd.min.js'],
  body: `
<section class="reports">
  <form id="${REPORTS_IDS.filter}" class="filters card">
    <label>开始 <input type="date" name="from" required></label>
    <label>结束 <input type="date" name="to" required></label>
    <label>群 <select name="groupId"><option value="">全部群</option></select></label>
    <button type="submit" class="primary">查看</button>
  </form>
  <div class="kpis" id="${REPORTS_IDS.kpis}"></div>
  <div class="charts">
    <figure class="card"><figcaption>每日问题与处理方式</figcaption><canvas id="${REPORTS_IDS.chartDaily}" aria-label="每日问题与处理方式柱状图" role="img"></canvas></figure>
    <figure class="card"><figcaption>首次响应时间（中位数 / P90，秒）</figcaption><canvas id="${REPORTS_IDS.chartResponse}" aria-label="首次响应时间折线图" role="img"></canvas></figure>
    <figure class="card"><figcaption>首次解决率与满意率（%）</figcaption><canvas id="${REPORTS_IDS.chartOutcomes}" aria-label="首次解决率与满意率折线图" role="img"></canvas></figure>
  </div>
  <section class="card"><h2>按日 <a class="csv" data-table="daily" href="#">导出 CSV</a></h2><div id="${REPORTS_IDS.tableDaily}"></div></section>
  <section class="card"><h2>按群 <a class="csv" data-table="groups" href="#">导出 CSV</a></h2><div id="${REPORTS_IDS.tableGroups}"></div></section>
  <section class="card"><h2>按意图 <a class="csv" data-table="intents" href="#">导出 CSV</a></h2><div id="${REPORTS_IDS.tableIntents}"></div></section>
  <section class="card"><h2>按坐席 <a class="csv" data-table="agents" href="#">导出 CSV</a></h2><div id="${REPORTS_IDS.tableAgents}"></div></section>
  <p class="muted">首次解决：回复后 <span id="${REPORTS_IDS.resolutionWindow}"></span> 小时内同一客户没有再问同一意图、也没有转人工；观察中的不计入解决率。满意：回复后同一时段内客户在群里的话——谢谢、好的、解决了、收到为正面；还是不行、没用、不对、没解决或带负面情绪为负面（负面优先）；满意率 = 正面 /（正面 + 负面）。</p>
  <section class="card"><h2>超时未回复的 @（超过 SLA <span id="${REPORTS_IDS.sla}"></span> 分钟） <a class="csv" data-table="unanswered" href="#">导出 CSV</a></h2><div id="${REPORTS_IDS.tableUnanswered}"></div></section>
  <section class="card"><h2>未命中问题（知识库缺口） <a class="csv" data-table="unmatched" href="#">导出 CSV</a></h2><div id="${REPORTS_IDS.tableUnmatched}"></div></section>
  <section class="card"><h2>AI 草稿</h2><div id="${REPORTS_IDS.aiDrafts}"></div>
    <p class="muted">只在开启了 AI 草稿的群、知识库没有匹配到的问题上请求；AI 草稿从不自动发送。Token 由模型服务报告（没有报告时按字数估算）；费用按 QUNDESK_LLM_PRICE_INPUT_PER_1K / QUNDESK_LLM_PRICE_OUTPUT_PER_1K 计算。</p></section>
</section>`,
}
