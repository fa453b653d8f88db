import type { JsApiSignature, WecomConfigView, WecomSignatureView } from '../contract.js'

/** The bits of the WeCom JS-SDK (`ww`, @wecom/jssdk) the sidebar uses. */
export interface WecomSdk {
  register(options: {
    corpId: string
    agentId: string | number
    jsApiList: string[]
    getConfigSignature: (url: string) => Promise<JsApiSignature>
    getAgentConfigSignature: (url: string) => Promise<JsApiSignature>
  }): void
  getCurExternalChat(): Promise<{ chatId: string }>
  sendChatMessage(options: { msgtype: 'text'; enterChat?: boolean; text: { content: string } }): Promise<unknown>
}

export interface Sidebar {
  chatId: string
  send(text: string): Promise<void>
}

declare global {
  interface Window { ww?: WecomSdk }
}

function loadScript(src: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const script = document.createElement('script')
    script.src = src
    script.onload = () => resolve()
    script.onerror = () => reject(new Error(`无法加载 ${src}`))
    document.head.append(script)
  })
}

/**
 * Inside WeCom's chat toolbar: registers the JS-SDK with signatures from our server, reads the current customer
 * group, and sends as the agent with sendChatMessage. Returns null outside WeCom.
 */
export async function initSidebar(api: <T>(method: 'GET', url: string) => Promise<T>): Promise<Sidebar | null> {
  if (!window.ww && /wxwork/i.test(navigator.userAgent)) await loadScript('/assets/wecom.global.prod.js')
  const ww = window.ww
  if (!ww) return null
  const config = await api<WecomConfigView>('GET', '/api/wecom/config')
  if (!config.enabled || !config.corpId || !config.agentId) return null
  const signatures = (url: string) => api<WecomSignatureView>('GET', `/api/wecom/jsapi-signature?url=${encodeURIComponent(url)}`)
  ww.register({
    corpId: config.corpId,
    agentId: config.agentId,
    jsApiList: ['getCurExternalChat', 'sendChatMessage'],
    getConfigSignature: async (url) => (await signatures(url)).config,
    getAgentConfigSignature: async (url) => (await signatures(url)).agentConfig,
  })
  const { chatId } = await ww.getCurExternalChat()
  return {
    chatId,
    async send(text) {
      await ww.sendChatMessage({ msgtype: 'text', enterChat: false, text: { content: text } })
    },
  }
}
