/** Static skeletons of each console page; the page script fills them from the API. */
export const QUEUE_BODY = `
<section class="queue-layout">
  <aside class="queue-pane" aria-label="建议队列">
    <div class="queue-head">
      <div class="stats" id="queue-stats" aria-live="polite">加载中…</div>
      <div class="tabs" role="tablist" aria-label="筛选">
        <button type="button" role="tab" data-status="pending" aria-selected="true">待处理</button>
        <button type="button" role="tab" data-status="sent" aria-selected="false">已发送</button>
        <button type="button" role="tab" data-status="rejected" aria-selected="false">已拒绝</button>
        <button type="button" role="tab" data-status="failed" aria-selected="false">发送失败</button>
        <button type="button" role="tab" data-status="" aria-selected="false">全部</button>
      </div>
      <p class="sidebar-note" id="sidebar-note" hidden></p>
      <p class="error" id="live-note" role="status" hidden>实时连接已断开，正在重连…</p>
      <p class="error" id="channel-note" role="status" hidden></p>
    </div>
    <ol class="queue-list" id="queue-list" role="listbox" aria-label="建议列表" tabindex="0"></ol>
    <p class="shortcuts muted">快捷键：J/K 上下移动 · Enter 发送 · E 编辑 · R 拒绝 · I 意图不对</p>
  </aside>
  <section class="detail-pane" id="detail" aria-live="polite">
    <p class="muted empty">在左侧选择一条建议</p>
  </section>
</section>`

export const REPORTS_BODY = `
<section class="reports">
  <form id="report-filter" class="filters card">
    <label>开始 <input type="date" name="from" required></label>
    <label>结束 <input type="date" name="to" required></label>
    <label>群 <select name="groupId"><option value="">全部群</option></select></label>
    <button type="submit" class="primary">查看</button>
  </form>
  <div class="kpis" id="kpis"></div>
  <div class="charts">
    <figure class="card"><figcaption>每日问题与处理方式</figcaption><canvas id="chart-daily" aria-label="每日问题与处理方式柱状图" role="img"></canvas></figure>
    <figure class="card"><figcaption>首次响应时间（中位数 / P90，秒）</figcaption><canvas id="chart-response" aria-label="首次响应时间折线图" role="img"></canvas></figure>
  </div>
  <section class="card"><h2>按日 <a class="csv" data-table="daily" href="#">导出 CSV</a></h2><div id="table-daily"></div></section>
  <section class="card"><h2>按群 <a class="csv" data-table="groups" href="#">导出 CSV</a></h2><div id="table-groups"></div></section>
  <section class="card"><h2>超时未回复的 @（超过 SLA <span id="sla"></span> 分钟） <a class="csv" data-table="unanswered" href="#">导出 CSV</a></h2><div id="table-unanswered"></div></section>
  <section class="card"><h2>未命中问题（知识库缺口） <a class="csv" data-table="unmatched" href="#">导出 CSV</a></h2><div id="table-unmatched"></div></section>
</section>`

export const AUDIT_BODY = `
<section class="card">
  <h1>审计日志</h1>
  <table class="table" id="audit-table"><thead><tr><th>时间</th><th>操作人</th><th>操作</th><th>对象</th><th>详情</th></tr></thead><tbody></tbody></table>
  <button type="button" id="audit-more">加载更多</button>
</section>`

export const ADMIN_BODY = `
<section class="card">
  <h1>用户</h1>
  <table class="table" id="users-table"><thead><tr><th>用户名</th><th>角色</th><th>状态</th><th>创建时间</th><th>操作</th></tr></thead><tbody></tbody></table>
  <form id="user-add" class="inline-form">
    <h2>添加用户</h2>
    <label>用户名 <input name="name" required maxlength="32"></label>
    <label>角色 <select name="role"><option value="agent">坐席</option><option value="admin">管理员</option></select></label>
    <label>初始密码 <input name="password" type="password" required minlength="10" autocomplete="new-password"></label>
    <button type="submit" class="primary">添加</button>
    <p class="error" role="alert" hidden></p>
  </form>
</section>
<section class="card">
  <h1>设置</h1>
  <form id="settings-form" class="inline-form">
    <label>响应 SLA（分钟） <input name="slaMinutes" type="number" min="1" max="1440" required></label>
    <label>每群每小时主动消息上限 <input name="outreachPerGroupPerHour" type="number" min="1" max="60" required aria-describedby="outreach-hint"></label>
    <button type="submit" class="primary">保存</button>
    <p class="muted hint" id="outreach-hint">标签规则触发的欢迎、关怀等主动消息，每个群每小时最多进入队列这么多条，其余排队稍后再发。</p>
    <p class="status" role="status"></p>
  </form>
</section>
<section class="card">
  <h1>成员标签</h1>
  <div class="inline-form">
    <button type="button" id="retag">立即重新计算标签</button>
    <p class="muted hint">按当前规则重新计算所有成员的标签和生命周期（平时按规则的 schedule 定时计算）。</p>
    <p class="status" id="retag-status" role="status"></p>
  </div>
</section>`
