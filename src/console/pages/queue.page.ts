import { QUEUE_IDS } from './queue.ids.js'
import type { PageDefinition } from './render-page.js'

/** The 工作台: the approval queue on the left, the selected suggestion on the right; queue.ts fills both. */
export const QUEUE_PAGE: PageDefinition = {
  url: '/', page: 'queue', title: '工作台', access: 'agent',
  body: `
<section class="queue-layout">
  <aside class="queue-pane" aria-label="建议队列">
    <div class="queue-head">
      <div class="stats" id="${QUEUE_IDS.stats}" aria-live="polite">加载中…</div>
      <div class="tabs" role="tablist" aria-label="筛选">
        <button type="button" role="tab" data-status="pending" aria-selected="true">待处理</button>
        <button type="button" role="tab" data-status="sent" aria-selected="false">已发送</button>
        <button type="button" role="tab" data-status="rejected" aria-selected="false">已拒绝</button>
        <button type="button" role="tab" data-status="failed" aria-selected="false">发送失败</button>
        <button type="button" role="tab" data-status="" aria-selected="false">全部</button>
      </div>
      <div class="queue-filters">
        <label>群 <select id="${QUEUE_IDS.filterGroup}"><option value="">全部群</option></select></label>
        <label>原因 <select id="${QUEUE_IDS.filterReason}">
          <option value="">全部</option><option value="keyword">要求转人工</option><option value="emotion">情绪激动</option>
          <option value="intent">投诉类问题</option><option value="misses">连续答不上</option><option value="sla">超时</option>
          <option value="unmatched">未匹配</option><option value="attention">需关注</option>
        </select></label>
        <label>认领 <select id="${QUEUE_IDS.filterClaim}"><option value="all">全部</option><option value="mine">我处理中</option><option value="unclaimed">未认领</option></select></label>
        <label title="有新的需人工消息时弹出桌面通知（标签页在后台也会提醒）"><input type="checkbox" id="${QUEUE_IDS.alertDesktop}"> 桌面提醒</label>
        <label title="有新的需人工消息时响一声"><input type="checkbox" id="${QUEUE_IDS.alertSound}"> 提示音</label>
      </div>
      <details class="waiting-actions" id="${QUEUE_IDS.waitingActions}" hidden></details>
      <p class="sidebar-note" id="${QUEUE_IDS.sidebarNote}" hidden></p>
      <p class="error" id="${QUEUE_IDS.liveNote}" role="status" hidden>实时连接已断开，正在重连…</p>
      <p class="error" id="${QUEUE_IDS.channelNote}" role="status" hidden></p>
      <p class="error" id="${QUEUE_IDS.databaseNote}" role="alert" hidden></p>
    </div>
    <ol class="queue-list" id="${QUEUE_IDS.list}" role="listbox" aria-label="建议列表" tabindex="0"></ol>
    <p class="shortcuts muted">快捷键：J/K 上下移动 · Enter 发送 · E 编辑 · R 拒绝 · I 意图不对 · Q 常用语</p>
  </aside>
  <section class="detail-pane" id="${QUEUE_IDS.detail}" aria-live="polite">
    <p class="muted empty">在左侧选择一条建议</p>
  </section>
</section>`,
}
