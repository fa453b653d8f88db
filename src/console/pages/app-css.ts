/** The console's stylesheet, served as /assets/app.css. Kept in code so the build has nothing to copy. */
export const APP_CSS = String.raw`
:root { --bg:#f5f6f8; --card:#fff; --ink:#1f2329; --muted:#646a73; --line:#e4e6eb; --brand:#1d6fe8; --brand-ink:#fff;
  --warn:#d4380d; --warn-bg:#fff2ed; --ok:#237804; --ok-bg:#f0fae6; --late:#ad6800; --late-bg:#fff8e6; --sel:#e8f1ff; }
* { box-sizing: border-box; }
html, body { margin:0; height:100%; }
body { font: 14px/1.55 -apple-system, "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif; color:var(--ink); background:var(--bg); }
a { color:var(--brand); }
button { font:inherit; cursor:pointer; border:1px solid var(--line); background:#fff; border-radius:6px; padding:6px 12px; color:var(--ink); }
button:hover { border-color:#c9cdd4; }
button:focus-visible, a:focus-visible, input:focus-visible, select:focus-visible, textarea:focus-visible, [tabindex]:focus-visible { outline:2px solid var(--brand); outline-offset:2px; }
button.primary { background:var(--brand); border-color:var(--brand); color:var(--brand-ink); }
button.danger { color:var(--warn); border-color:#ffbb96; }
button.link { border:none; background:none; color:var(--brand); padding:0 4px; }
button:disabled { opacity:.5; cursor:not-allowed; }
input, select, textarea { font:inherit; border:1px solid var(--line); border-radius:6px; padding:6px 8px; background:#fff; color:var(--ink); }
textarea { width:100%; min-height:96px; resize:vertical; }
.muted { color:var(--muted); }
.error { color:var(--warn); }
.notice { background:var(--late-bg); padding:6px 10px; border-radius:6px; }
.card { background:var(--card); border:1px solid var(--line); border-radius:10px; padding:16px; margin-bottom:16px; }
.topbar { display:flex; align-items:center; gap:24px; height:52px; padding:0 20px; background:#fff; border-bottom:1px solid var(--line); position:sticky; top:0; z-index:5; }
.brand { font-weight:600; font-size:16px; } .brand small { color:var(--muted); font-weight:400; }
.topbar nav { display:flex; gap:4px; flex:1; }
.topbar nav a { text-decoration:none; color:var(--ink); padding:6px 12px; border-radius:6px; }
.topbar nav a[aria-current="page"] { background:var(--sel); color:var(--brand); font-weight:600; }
.me { color:var(--muted); }
main#main { padding:16px 20px; }
.login-page main { display:grid; place-items:center; min-height:100vh; }
.login { width:340px; display:grid; gap:12px; } .login h1 { margin:0; } .login label { display:grid; gap:4px; }
/* queue */
.queue-layout { display:grid; grid-template-columns:minmax(320px, 420px) 1fr; gap:16px; height:calc(100vh - 84px); }
.queue-pane { display:flex; flex-direction:column; background:#fff; border:1px solid var(--line); border-radius:10px; overflow:hidden; }
.queue-head { padding:12px; border-bottom:1px solid var(--line); display:grid; gap:8px; }
.stats { display:flex; gap:12px; flex-wrap:wrap; color:var(--muted); } .stats b { color:var(--ink); }
.tabs { display:flex; gap:4px; } .tabs button[aria-selected="true"] { background:var(--sel); border-color:var(--brand); color:var(--brand); }
.queue-list { list-style:none; margin:0; padding:0; overflow:auto; flex:1; }
.queue-list li { padding:10px 12px; border-bottom:1px solid var(--line); cursor:pointer; display:grid; gap:2px; }
.queue-list li:hover { background:#fafbfc; }
.queue-list li[aria-selected="true"] { background:var(--sel); box-shadow:inset 3px 0 0 var(--brand); }
.queue-list li.escalated { box-shadow:inset 3px 0 0 var(--warn); }
.queue-list li.escalated[aria-selected="true"] { box-shadow:inset 3px 0 0 var(--warn); background:var(--warn-bg); }
.queue-list .q { font-weight:600; overflow:hidden; text-overflow:ellipsis; white-space:nowrap; }
.queue-list .meta { color:var(--muted); font-size:12px; display:flex; gap:8px; flex-wrap:wrap; }
.badge { display:inline-block; padding:0 6px; border-radius:4px; font-size:12px; line-height:18px; background:#f0f1f3; color:var(--muted); }
.badge.human { background:var(--warn-bg); color:var(--warn); font-weight:600; }
.badge.late { background:var(--late-bg); color:var(--late); }
.badge.ok { background:var(--ok-bg); color:var(--ok); }
.badge.emotion-mild { background:#fffbe6; color:#ad8b00; } .badge.emotion-moderate { background:var(--late-bg); color:var(--late); }
.badge.emotion-severe { background:var(--warn-bg); color:var(--warn); font-weight:600; }
.escalation-detail { background:var(--warn-bg); color:var(--warn); padding:6px 10px; border-radius:6px; margin:8px 0; }
.shortcuts { margin:0; padding:8px 12px; border-top:1px solid var(--line); font-size:12px; }
.detail-pane { overflow:auto; display:grid; gap:16px; align-content:start; }
.detail-grid { display:grid; grid-template-columns:1fr 340px; gap:16px; }
.question { font-size:18px; font-weight:600; margin:4px 0 8px; }
.actions { display:flex; gap:8px; flex-wrap:wrap; margin-top:10px; align-items:center; }
.fix-intent, .reject-form { display:flex; gap:8px; margin-top:10px; align-items:center; flex-wrap:wrap; }
.conversation { list-style:none; margin:0; padding:0; display:grid; gap:6px; max-height:360px; overflow:auto; }
.conversation li { padding:6px 8px; border-radius:6px; background:#f7f8fa; }
.conversation li.self { background:var(--ok-bg); }
.conversation li.current { outline:2px solid var(--brand); }
.conversation .who { font-size:12px; color:var(--muted); }
.conversation + h2 { margin-top:16px; }
.history { list-style:none; margin:0; padding:0; display:grid; gap:6px; font-size:13px; }
.toast { position:fixed; right:20px; bottom:20px; background:#1f2329; color:#fff; padding:10px 14px; border-radius:8px; max-width:420px; z-index:10; }
.toast.error { background:var(--warn); }
/* reports, tables, forms */
.filters { display:flex; gap:12px; align-items:end; flex-wrap:wrap; } .filters label { display:grid; gap:4px; }
.kpis { display:grid; grid-template-columns:repeat(auto-fit, minmax(140px, 1fr)); gap:12px; margin-bottom:16px; }
.kpi { background:#fff; border:1px solid var(--line); border-radius:10px; padding:12px; } .kpi b { display:block; font-size:22px; }
.charts { display:grid; grid-template-columns:repeat(auto-fit, minmax(420px, 1fr)); gap:16px; }
.charts figure { margin:0 0 16px; } .charts figcaption { font-weight:600; margin-bottom:8px; } .charts canvas { max-height:280px; }
.table { width:100%; border-collapse:collapse; } .table th, .table td { text-align:left; padding:6px 8px; border-bottom:1px solid var(--line); vertical-align:top; }
.table th { color:var(--muted); font-weight:500; } .table td.num { text-align:right; font-variant-numeric:tabular-nums; }
h1 { font-size:18px; margin:0 0 12px; } h2 { font-size:15px; margin:0 0 10px; display:flex; gap:12px; align-items:baseline; }
h2 .csv { font-size:13px; font-weight:400; }
.inline-form { display:flex; gap:12px; align-items:end; flex-wrap:wrap; } .inline-form h2 { width:100%; } .inline-form label { display:grid; gap:4px; }
.sidebar-note, #live-note { margin:0; font-size:12px; } .sidebar-note { color:var(--brand); }
/* members, tags */
.badge.outreach { background:var(--sel); color:var(--brand); font-weight:600; }
.badge.reminder { background:var(--late-bg); color:var(--late); font-weight:600; }
.badge.stage { background:#f0f5ff; color:#2f54eb; }
.queue-list li.reminder { box-shadow:inset 3px 0 0 var(--late); }
.tags, .tag-list { display:flex; gap:6px; flex-wrap:wrap; } .tag-list { list-style:none; margin:0 0 8px; padding:0; } .tag-list li { display:flex; align-items:center; gap:2px; }
.tag { display:inline-flex; align-items:center; gap:4px; padding:0 8px; border-radius:10px; font-size:12px; line-height:20px; }
.tag.rule { background:#e6f4ff; color:#0958d9; border:1px solid #bae0ff; }
.tag.manual { background:#fff; color:#531dab; border:1px dashed #b37feb; }
.tag.manual small { font-size:10px; color:#722ed1; border-left:1px solid #d3adf7; padding-left:4px; }
.small { font-size:12px; } .hint { width:100%; margin:0; font-size:12px; }
.filters label.check { display:flex; align-items:center; gap:4px; }
.filters .field { display:grid; gap:4px; }
.section-head { display:flex; gap:8px; align-items:center; flex-wrap:wrap; margin-bottom:10px; } .section-head h2 { margin:0 12px 0 0; }
.section-head label { color:var(--muted); font-size:13px; }
h3 { font-size:13px; margin:12px 0 6px; color:var(--muted); font-weight:500; }
.dist-layout { display:grid; grid-template-columns:1fr 240px; gap:16px; align-items:start; }
.chart-box { margin:0; } .chart-box canvas { max-height:260px; }
.tag-counts { list-style:none; margin:0; padding:0; display:grid; gap:4px; }
.pager { display:flex; gap:12px; align-items:center; justify-content:flex-end; margin-top:10px; }
.membership h2 .badge { font-weight:400; }
.metrics summary { cursor:pointer; color:var(--brand); margin-top:8px; }
.seen { display:flex; gap:4px; flex-wrap:wrap; } .seen code, .table code { font-size:12px; background:#f5f6f8; padding:0 4px; border-radius:4px; }
.facts { display:grid; grid-template-columns:max-content 1fr; gap:4px 16px; margin:0; } .facts dt { color:var(--muted); } .facts dd { margin:0; }
.add-tag { margin-top:8px; }
.privacy-actions { display:flex; gap:8px; flex-wrap:wrap; align-items:center; }
a.button { display:inline-block; text-decoration:none; border:1px solid var(--line); border-radius:6px; padding:6px 12px; color:var(--ink); background:#fff; }
dialog.confirm { border:1px solid var(--line); border-radius:10px; padding:16px; max-width:460px; } dialog.confirm::backdrop { background:rgba(0,0,0,.35); }
dialog.confirm form { display:grid; gap:8px; } dialog.confirm h2 { margin:0; } .dialog-actions { display:flex; gap:8px; justify-content:flex-end; }
@media (max-width: 760px) { .queue-layout, .dist-layout { grid-template-columns:1fr; height:auto; } .detail-grid { grid-template-columns:1fr; } .topbar { gap:8px; } }
`
