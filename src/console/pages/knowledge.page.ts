import { KNOWLEDGE_IDS } from './knowledge.ids.js'
import type { PageDefinition } from './render-page.js'

/** 知识库 (admin): knowledge.ts fills it from /api/knowledge and runs 试一试 through /api/knowledge/test. */
export const KNOWLEDGE_PAGE: PageDefinition = {
  url: '/knowledge', page: 'knowledge', title: '知识库', access: 'admin',
  body: `
<section class="card">
  <h1>知识库</h1>
  <p class="muted" id="${KNOWLEDGE_IDS.status}">加载中…</p>
  <div class="escalation-detail" role="alert" id="${KNOWLEDGE_IDS.loadError}" hidden></div>
</section>
<section class="card" aria-labelledby="knowledge-test-title">
  <h2 id="knowledge-test-title">试一试</h2>
  <p class="muted">输入一个客户问题，看机器人会怎么判断（与 <code>qundesk kb test</code> 相同）。</p>
  <form id="${KNOWLEDGE_IDS.testForm}" class="fix-intent">
    <input id="${KNOWLEDGE_IDS.question}" aria-label="客户问题" placeholder="如：我的快递到哪了" maxlength="2000" required size="40">
    <input id="${KNOWLEDGE_IDS.group}" aria-label="群（可选）" placeholder="群 id 或群名（可选）" maxlength="200">
    <button type="submit" class="primary">试一试</button>
  </form>
  <div id="${KNOWLEDGE_IDS.testResult}" aria-live="polite"></div>
</section>
<section class="card" aria-labelledby="knowledge-lint-title">
  <h2 id="knowledge-lint-title">检查提醒</h2>
  <div id="${KNOWLEDGE_IDS.lint}" aria-live="polite"><p class="muted">检查中…</p></div>
</section>
<section class="card" aria-labelledby="knowledge-calibration-title" id="${KNOWLEDGE_IDS.calibration}">
  <h2 id="knowledge-calibration-title">阈值校准</h2>
  <p class="muted">用知识库自己的例句做留一法检验（与 <code>qundesk kb calibrate</code> 相同）：每个意图轮流拿掉，它的例句就是「知识库没有的同领域问题」，据此算出误接不超过 5% 的建议阈值。在后台运行，机器人照常回答；1,000 个意图约需十分钟。</p>
  <button type="button" id="${KNOWLEDGE_IDS.calibrate}">开始校准</button>
  <div id="${KNOWLEDGE_IDS.calibrationResult}" aria-live="polite"></div>
</section>
<section class="card" aria-labelledby="knowledge-intents-title">
  <h2 id="knowledge-intents-title">意图</h2>
  <input id="${KNOWLEDGE_IDS.filter}" type="search" aria-label="筛选意图" placeholder="按意图、例句或答案筛选">
  <table class="table" id="${KNOWLEDGE_IDS.intents}"><thead><tr><th>意图</th><th>例句</th><th>答案</th><th>自动发送</th><th>位置</th></tr></thead><tbody></tbody></table>
</section>`,
}
