/** One entry of the audit log as agents and admins read it (GET /api/audit, `qundesk audit`). */
export interface AuditItem {
  id: number
  at: string
  actor: string
  action: string
  subjectType: string
  subjectId: string
  detail: unknown
}

/**
 * Every action the audit log records, with the words the console shows for it. `appendAudit` accepts only these,
 * so a new action cannot reach the log without its Chinese name (the audit page showed `member.erased` before).
 */
export const AUDIT_ACTIONS = {
  login: '登录', logout: '退出登录', 'login.failed': '登录失败', 'login.throttled': '登录被限流',
  'password.changed': '修改密码', 'password.change_failed': '修改密码失败',
  'user.added': '添加用户', 'user.updated': '修改用户', 'setting.changed': '修改设置',
  'suggestion.sent': '发送', 'suggestion.edited': '编辑后发送', 'suggestion.auto_sent': '自动发送', 'suggestion.rejected': '拒绝',
  'suggestion.send_failed': '发送失败', 'suggestion.intent_fixed': '纠正意图', 'suggestion.escalated': '转人工',
  'suggestion.taken_over': '接手他人的待办', 'suggestion.wait_alerted': '等待超时提醒',
  'slot.asked': '追问信息', 'slot.handed_over': '追问未果转人工',
  'learning.candidate_accepted': '采纳学习候选', 'learning.candidate_discarded': '丢弃学习候选',
  'knowledge.band_written': '写入匹配阈值',
  'quick_reply.added': '添加快捷回复', 'quick_reply.changed': '修改快捷回复', 'quick_reply.removed': '删除快捷回复',
  'member.tag_added': '添加标签', 'member.tag_removed': '移除标签', 'tags.retag': '重新计算标签',
  'members.import': '导入成员资料', 'member.exported': '导出个人数据', 'member.erased': '删除个人数据',
  'retention.purged': '按保留期清理', 'content_keys.rotated': '轮换内容密钥',
} as const satisfies Record<string, string>

export type AuditAction = keyof typeof AUDIT_ACTIONS

/** What an entry is about, in the console's words. */
export const AUDIT_SUBJECTS: Record<string, string> = {
  suggestion: '待办', message: '消息', member: '成员', member_attributes: '成员资料', user: '用户', setting: '设置',
  knowledge: '知识库', learning_candidate: '学习候选', quick_reply: '快捷回复', tags: '标签', retention: '数据保留',
  content_keys: '内容密钥',
}

/** The detail fields entries carry, in the console's words; a field not listed shows under its own name. */
export const AUDIT_DETAIL_FIELDS: Record<string, string> = {
  groupId: '群', intentId: '意图', suggestionId: '待办', tag: '标签', text: '内容', question: '问题', from: '原值', to: '新值',
  before: '之前', after: '之后', via: '途径', reason: '原因', why: '原因', error: '错误', attempts: '次数', ip: 'IP',
  window: '时间窗', role: '角色', mustChangePassword: '须改密码', wasRequired: '按要求修改', otherSessionsEnded: '结束的其他会话',
  waitedMinutes: '已等待（分钟）', missing: '缺少', source: '来源', file: '文件', messages: '消息', suggestions: '待办',
  memberships: '群成员关系', rewritten: '重写', skipped: '跳过', retired: '停用', leftOver: '剩余', plainLeft: '未加密剩余',
  suggest: '建议阈值', autoSend: '自动发送阈值', name: '名称', takenFrom: '原处理人',
}
