import { randomBytes } from 'node:crypto'
import { getJsApiSignature } from '@wecom/crypto'
import type { FastifyInstance } from 'fastify'
import { QunDeskError } from '../../core/errors.js'
import type { WecomConfigView, WecomSignatureView } from '../contract.js'
import type { HttpServerDeps } from '../create-http-server.js'

/** What the chat-toolbar sidebar needs; tickets come from configuration (QUNDESK_WECOM_*). */
export interface WecomSidebarConfig {
  corpId?: string | undefined
  agentId?: string | undefined
  /** The corp jsapi_ticket (for ww.config / register's getConfigSignature). */
  jsapiTicket?: string | undefined
  /** The agent_config ticket (for agentConfig, which getCurExternalChat and sendChatMessage need). */
  agentTicket?: string | undefined
}

/**
 * The WeCom JS-SDK signature endpoint. The sidebar page asks for both signatures for its own URL (without the
 * #fragment, as WeCom signs it) and passes them to ww.register.
 */
export function registerWecomRoutes(app: FastifyInstance, deps: Pick<HttpServerDeps, 'wecom'>): void {
  const { wecom } = deps
  app.get('/api/wecom/config', { config: { access: 'agent' } }, async (): Promise<WecomConfigView> => ({
    enabled: Boolean(wecom.corpId && wecom.agentId && wecom.jsapiTicket && wecom.agentTicket),
    corpId: wecom.corpId ?? null,
    agentId: wecom.agentId ?? null,
  }))

  app.get<{ Querystring: { url: string } }>('/api/wecom/jsapi-signature', {
    config: { access: 'agent' },
    schema: { querystring: { type: 'object', required: ['url'], additionalProperties: false, properties: { url: { type: 'string', minLength: 8, maxLength: 2048, pattern: '^https?://' } } } },
  }, async (request): Promise<WecomSignatureView> => {
    if (!wecom.corpId || !wecom.agentId || !wecom.jsapiTicket || !wecom.agentTicket) {
      throw new QunDeskError('not_found', '企业微信侧边栏未配置：请设置 QUNDESK_WECOM_CORP_ID、QUNDESK_WECOM_AGENT_ID、QUNDESK_WECOM_JSAPI_TICKET、QUNDESK_WECOM_AGENT_TICKET')
    }
    const url = request.query.url.split('#')[0]!
    const timestamp = Math.floor(Date.now() / 1000)
    // @wecom/crypto falls back to Math.random for the nonce; give it a real random one.
    const sign = (ticket: string) => getJsApiSignature({ url, ticket, timestamp, nonceStr: randomBytes(12).toString('hex') })
    return { corpId: wecom.corpId, agentId: wecom.agentId, config: sign(wecom.jsapiTicket), agentConfig: sign(wecom.agentTicket) }
  })
}
