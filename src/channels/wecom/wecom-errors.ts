import { QunDeskError, type ErrorCode } from '../../core/errors.js'

/** What a WeCom errcode means and what the operator should do about it. */
export interface WecomErrcodeInfo {
  /** WeCom's own short description (全局错误码). */
  meaning: string
  /** The fix, in the operator's terms (which setting, which admin page). */
  hint: string
  /** The QunDeskError code callers branch on. */
  code: ErrorCode
}

const CHECK_SECRET = '检查 QUNDESK_WECOM_SECRET：应为「客户联系」的 Secret（管理后台 → 客户与上下游 → 客户联系 → API），或已配置到「可调用应用」的自建应用 Secret'

/**
 * The errcodes QunDesk meets in practice (全局错误码, https://developer.work.weixin.qq.com/document/path/90313).
 * WeCom says to branch on errcode, never on errmsg (errmsg wording changes).
 */
const ERRCODES: Readonly<Record<number, WecomErrcodeInfo>> = {
  [-1]: { meaning: '系统繁忙', hint: '企业微信服务器暂时不可用，稍后重试（官方建议不超过 3 次）', code: 'channel_unavailable' },
  40001: { meaning: '不合法的 secret 参数', hint: CHECK_SECRET, code: 'unauthorized' },
  40003: { meaning: '无效的 UserID', hint: '确认成员 UserID 拼写正确，且在应用的可见范围内', code: 'bad_request' },
  40013: { meaning: '不合法的 CorpID', hint: '检查 QUNDESK_WECOM_CORP_ID：在管理后台「我的企业 → 企业信息」底部可查看企业 ID', code: 'unauthorized' },
  40014: { meaning: '不合法的 access_token', hint: '已自动重新获取 access_token 仍失败：确认没有其他程序用同一 Secret 频繁刷新 token', code: 'unauthorized' },
  40050: { meaning: 'chatid 不存在', hint: '该客户群可能已解散，或不是由配置了客户联系的成员创建的客户群', code: 'not_found' },
  40058: { meaning: '不合法的参数', hint: '请求参数不符合接口要求（如 limit 超出 1~1000、游标无效或回复地址已使用过）', code: 'bad_request' },
  40091: { meaning: 'secret 不合法', hint: CHECK_SECRET, code: 'unauthorized' },
  41001: { meaning: '缺少 access_token 参数', hint: '这是 QunDesk 的缺陷：请求没有带上 access_token，请报告问题', code: 'internal' },
  41002: { meaning: '缺少 corpid 参数', hint: '设置 QUNDESK_WECOM_CORP_ID', code: 'unauthorized' },
  41004: { meaning: '缺少 secret 参数', hint: '设置 QUNDESK_WECOM_SECRET', code: 'unauthorized' },
  42001: { meaning: 'access_token 已过期', hint: '已自动重新获取 access_token 仍失败：检查服务器时间是否准确', code: 'unauthorized' },
  44004: { meaning: '文本消息 content 参数为空', hint: '消息内容不能为空', code: 'bad_request' },
  45009: { meaning: '接口调用超过限制', hint: '调用太频繁（群机器人每分钟最多 20 条）：稍后重试，或减少发送量', code: 'too_many_requests' },
  45033: { meaning: '接口并发调用超过限制', hint: '同时进行的请求太多：稍后重试', code: 'too_many_requests' },
  48002: {
    meaning: 'API 接口无权限调用',
    hint: '在管理后台「客户联系 → API」把本应用加入「可调用应用」，并确认使用的是该应用的 Secret',
    code: 'forbidden',
  },
  60011: { meaning: '指定的成员/部门/标签参数无权限', hint: '把相关成员（如群主）加入应用的可见范围', code: 'forbidden' },
  60020: {
    meaning: '不安全的访问 IP',
    hint: '在应用详情「企业可信 IP」中加入 QunDesk 服务器的出口 IP（errmsg 里的 from ip 即是）',
    code: 'forbidden',
  },
  81017: { meaning: '可见范围超过 1000 人时未指定群主过滤', hint: '按群主分批拉取客户群（ownerUserIds）', code: 'bad_request' },
  84061: { meaning: '不存在外部联系人的关系', hint: '该客户与此成员之间没有好友关系（可能已删除）', code: 'not_found' },
  93000: {
    meaning: '机器人 webhook 地址不合法或机器人已被移出群',
    hint: '检查 QUNDESK_WECOM_WEBHOOK_KEY（群机器人 Webhook 地址中 key= 后面的部分），并确认机器人仍在群里',
    code: 'unauthorized',
  },
}

/** Errcodes meaning "the access token is no good": drop it, fetch a new one, retry the call once. */
export const TOKEN_ERRCODES: ReadonlySet<number> = new Set([40001, 40014, 42001])

/** errcode -1: WeCom did not process the request; safe to retry. */
export const BUSY_ERRCODE = -1
export const FREQUENCY_ERRCODE = 45009

/** What `errcode` means, or undefined for one QunDesk does not know. */
export function explainWecomErrcode(errcode: number): WecomErrcodeInfo | undefined {
  return ERRCODES[errcode]
}

/**
 * Turns a WeCom `{ errcode, errmsg }` into a QunDeskError that explains itself in Chinese and says what to fix.
 * Unknown errcodes become `bad_request` (WeCom refused the request) with a pointer to WeCom's error lookup.
 *
 * @example
 * throw wecomError(40013, 'invalid corpid', { path: '/cgi-bin/gettoken' })
 * // QunDeskError('unauthorized', '企业微信返回错误 40013（不合法的 CorpID）：invalid corpid。检查 QUNDESK_WECOM_CORP_ID：…')
 */
export function wecomError(errcode: number, errmsg: string, context: Record<string, unknown> = {}): QunDeskError {
  const info = explainWecomErrcode(errcode)
  const hint = info?.hint ?? `在 https://open.work.weixin.qq.com/devtool/query?e=${errcode} 查询该错误码`
  const meaning = info ? `（${info.meaning}）` : ''
  return new QunDeskError(info?.code ?? 'bad_request', `企业微信返回错误 ${errcode}${meaning}：${errmsg}。${hint}`, {
    ...context,
    errcode,
    errmsg,
    hint,
  })
}
