import { ADMIN_IDS } from './admin.ids.js'
import type { PageDefinition } from './render-page.js'

/** 用户与设置: users, settings, a full re-tag, 学习候选 and 知识缺口; admin.ts wires the forms. */
export const ADMIN_PAGE: PageDefinition = {
  url: '/admin', page: 'admin', title: '用户与设置', access: 'admin',
  body: `
<section class="card">
  <h1>用户</h1>
  <table class="table" id="${ADMIN_IDS.usersTable}"><thead><tr><th>用户名</th><th>角色</th><th>状态</th><th>创建时间</th><th>操作</th></tr></thead><tbody></tbody></table>
  <form id="${ADMIN_IDS.userAdd}" class="inline-form">
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
  <form id="${ADMIN_IDS.settingsForm}" class="inline-form">
    <label>响应 SLA（分钟） <input name="slaMinutes" type="number" min="1" max="1440" required></label>
    <label>每群每小时主动消息上限 <input name="outreachPerGroupPerHour" type="number" min="1" max="60" required aria-describedby="${ADMIN_IDS.outreachHint}"></label>
    <label>需人工等待提醒（分钟） <input name="waitAlertMinutes" type="number" min="1" max="1440" required title="需人工处理的消息等待超过这么久，通过群机器人提醒客服群（配置了 QUNDESK_WECOM_WEBHOOK_KEY 时）"></label>
    <button type="submit" class="primary">保存</button>
    <p class="muted hint" id="${ADMIN_IDS.outreachHint}">标签规则触发的欢迎、关怀等主动消息，每个群每小时最多进入队列这么多条，其余排队稍后再发。</p>
    <p class="status" role="status"></p>
  </form>
</section>
<section class="card">
  <h1>常用语</h1>
  <p class="muted hint">坐席回复时按 Q 或在「常用语」里选择插入。可用变量：{{name}}（客户昵称）、{{order_id}} 订单号、{{phone}} 手机号、{{amount}} 金额、{{date}} 日期——从客户的问题里找，找不到时显示为【订单号】等，请坐席补上。</p>
  <table class="table" id="${ADMIN_IDS.quickReplies}"><thead><tr><th>标题</th><th>内容</th><th>最后修改</th><th>操作</th></tr></thead><tbody></tbody></table>
  <form id="${ADMIN_IDS.quickReplyForm}" class="stacked-form">
    <h2>添加或修改常用语</h2>
    <input type="hidden" name="id">
    <label>标题 <input name="title" required maxlength="20"></label>
    <label>内容 <textarea name="text" required maxlength="500" rows="3"></textarea></label>
    <button type="submit" class="primary">保存常用语</button>
    <p class="status" role="status"></p>
  </form>
</section>
<section class="card">
  <h1>服务的群</h1>
  <form id="${ADMIN_IDS.servedForm}" class="stacked-form">
    <p class="muted hint">机器人只在这些群里回答；其他群的消息照样记录（给客服看上下文），但不回答、不追问、不进队列。</p>
    <label class="check"><input type="radio" name="servedMode" value="all"> 全部群</label>
    <label class="check"><input type="radio" name="servedMode" value="listed"> 仅下列勾选的群</label>
    <fieldset id="${ADMIN_IDS.servedList}"><legend>群</legend></fieldset>
    <p class="muted hint">这里的设置对所有实例生效；某个实例单独的列表（多实例部署）请用 PUT /api/settings 的 servedGroups 按实例 ID 设置，会一直保留。</p>
    <button type="submit" class="primary">保存</button>
    <p class="status" role="status"></p>
  </form>
</section>
<section class="card">
  <h1>AI 草稿</h1>
  <form id="${ADMIN_IDS.aiDraftForm}" class="stacked-form">
    <p class="muted hint">勾选的群里，知识库没有匹配到的问题会先照常进入队列（需人工），同时在后台请语言模型只依据排名最前的几条知识库回答起草一条回复，标为「AI 草稿」并注明依据的意图。AI 草稿从不自动发送，一定由坐席核对后发送、修改或拒绝；坐席已打开或处理的建议不会被覆盖。需要先配置 QUNDESK_LLM_URL 和 QUNDESK_LLM_MODEL（未配置时勾选也不会起草）；默认不勾选任何群。</p>
    <fieldset id="${ADMIN_IDS.aiDraftList}"><legend>开启 AI 草稿的群</legend></fieldset>
    <button type="submit" class="primary">保存</button>
    <p class="status" role="status"></p>
  </form>
</section>
<section class="card">
  <h1>转人工提示</h1>
  <form id="${ADMIN_IDS.handoffForm}" class="stacked-form">
    <p class="muted hint">问题转给人工时（客户要求、情绪激动、投诉、连续答不上、超时未回复），机器人在群里 @ 客户说一句，让客户知道有人会来。每位客户每个未解决的问题最多一次。</p>
    <label>默认提示 <input name="handoffAck" maxlength="200" placeholder="留空则不发送"></label>
    <h2>按原因</h2>
    <table class="table" id="${ADMIN_IDS.handoffReasons}"><thead><tr><th>原因</th><th>发送</th><th>提示文字</th></tr></thead><tbody></tbody></table>
    <h2>按群</h2>
    <table class="table" id="${ADMIN_IDS.handoffGroups}"><thead><tr><th>群</th><th>发送</th><th>提示文字</th></tr></thead><tbody></tbody></table>
    <p class="muted hint">按原因的设置优先于按群的设置；某个群选「不发送」则该群一律不发。</p>
    <button type="submit" class="primary">保存</button>
    <p class="status" role="status"></p>
  </form>
</section>
<section class="card">
  <h1>成员标签</h1>
  <div class="inline-form">
    <button type="button" id="${ADMIN_IDS.retag}">立即重新计算标签</button>
    <p class="muted hint">按当前规则重新计算所有成员的标签和生命周期（平时按规则的 schedule 定时计算）。</p>
    <p class="status" id="${ADMIN_IDS.retagStatus}" role="status"></p>
  </div>
</section>
<section class="card">
  <h1>学习候选</h1>
  <p class="muted hint">坐席按原稿发送的回答，以及坐席「纠正意图」时选的意图，会把客户的问题作为例句候选列在这里（已是例句的不会重复列出）。采纳后写入知识库文件夹的 learned.yaml（注释记录谁、何时、来自哪条建议），知识库随即重新加载；丢弃则不再保留（纠正意图学到的例句也一并移除）。</p>
  <table class="table" id="${ADMIN_IDS.learningCandidates}"><thead><tr><th>问题</th><th>意图</th><th>来源</th><th>时间</th><th>操作</th></tr></thead><tbody></tbody></table>
  <p class="status" id="${ADMIN_IDS.learningStatus}" role="status"></p>
</section>
<section class="card">
  <h1>知识缺口</h1>
  <form id="${ADMIN_IDS.gapsForm}" class="inline-form">
    <p class="muted hint">最近没有匹配到任何意图、交给人工的问题，按相似程度分组，每组起草成一个意图。复制为 YAML 后放进知识库文件夹，改好编号并填写回答。</p>
    <label>最近天数 <input name="days" type="number" min="1" max="90" value="7" required></label>
    <button type="submit">查找知识缺口</button>
  </form>
  <div id="${ADMIN_IDS.gapsList}"></div>
</section>`,
}
