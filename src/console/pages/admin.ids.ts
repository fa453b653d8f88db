/** DOM ids of the 用户与设置 page (admin.page.ts), read by admin.ts. */
export const ADMIN_IDS = {
  usersTable: 'users-table',
  userAdd: 'user-add',
  settingsForm: 'settings-form',
  outreachHint: 'outreach-hint',
  handoffForm: 'handoff-form',
  handoffReasons: 'handoff-reasons',
  handoffGroups: 'handoff-groups',
  quickReplies: 'quick-replies',
  quickReplyForm: 'quick-reply-form',
  servedForm: 'served-form',
  servedList: 'served-list',
  retag: 'retag',
  retagStatus: 'retag-status',
} as const
