import { QunDeskError } from '../../core/errors.js'
import { callWecom, wecomHttp, type WecomTransportOptions } from './wecom-api-client.js'
import { wecomError } from './wecom-errors.js'

/** What the AI bot may answer through its response_url. */
export type ResponseUrlMessage =
  | { msgtype: 'markdown'; markdown: { content: string } }
  | { msgtype: 'text'; text: { content: string } }

export type ResponseUrlPosterOptions = WecomTransportOptions

/** Posts one reply to the URL WeCom handed over with an AI-bot message; resolves once WeCom accepted it. */
export type ResponseUrlPoster = (url: string, message: ResponseUrlMessage) => Promise<void>

/**
 * The AI bot's (智能机器人) response_url: a full URL from WeCom, valid once, for about an hour.
 * Because it is one-shot, a request WeCom may have seen is never sent again: only connection failures,
 * HTTP 5xx and errcode -1 are retried; any errcode is reported (explained) without retrying.
 * It needs no corp id or secret, so it lives apart from the API client (the AI bot can be set up alone).
 *
 * @example
 * const respond = createResponseUrlPoster({ logger })
 * await respond(callback.response_url, { msgtype: 'markdown', markdown: { content: '**已收到**，客服稍后回复您' } })
 */
export function createResponseUrlPoster(options: ResponseUrlPosterOptions): ResponseUrlPoster {
  const log = options.logger.child({ component: 'wecom-response-url' })
  const http = wecomHttp(options, log)
  return async (url, message) => {
    let parsed: URL
    try {
      parsed = new URL(url)
    } catch {
      throw new QunDeskError('bad_request', 'response_url 不是有效的网址')
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
      throw new QunDeskError('bad_request', `response_url 必须是 https 网址（实际协议 ${parsed.protocol}）`)
    }
    // The query carries the one-time response code: only the path is logged.
    const path = parsed.pathname
    const reply = await callWecom(http, { method: 'POST', url: parsed.href, path, body: message, oneShot: true })
    if (reply.errcode !== 0) {
      log.warn({ path, errcode: reply.errcode }, 'WeCom refused the response_url reply')
      throw wecomError(reply.errcode, reply.errmsg, { path })
    }
    log.debug({ path, msgtype: message.msgtype }, 'replied through response_url')
  }
}
