/** DOM ids of the 工作台 (queue.page.ts), and of the detail parts queue.ts builds itself. */
export const QUEUE_IDS = {
  stats: 'queue-stats',
  sidebarNote: 'sidebar-note',
  liveNote: 'live-note',
  channelNote: 'channel-note',
  databaseNote: 'database-note',
  list: 'queue-list',
  detail: 'detail',
  draft: 'draft',
  send: 'send',
  reject: 'reject',
  fixIntent: 'fix-intent',
  inlineForm: 'inline-form',
  rejectReason: 'reject-reason',
  intentSelect: 'intent-select',
  profile: 'member-profile',
  /** Who holds or handled the open item (「小王 处理中」, 「小李 已发送」). */
  paneNote: 'pane-note',
  takeOver: 'take-over',
  confirmTakeOver: 'confirm-take-over',
} as const
