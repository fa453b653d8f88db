import { isLoopbackHost, type Config } from '../config/load-config.js'
import type { Clock } from '../core/clock.js'
import type { Logger } from '../core/logger.js'
import { createAiDrafter, type AiDrafter } from '../drafting/ai-drafter.js'
import { createChatClient } from '../drafting/chat-completions-client.js'
import type { Db } from '../storage/create-db.js'
import type { SuggestionService } from '../suggestions/suggestion-service.js'
import type { StopStack } from './stop-stack.js'

/**
 * The optional AI drafter, when QUNDESK_LLM_URL is configured (undefined otherwise: no draft is ever asked for).
 * At stop it lets the drafts in flight end (each bounded by QUNDESK_LLM_TIMEOUT_MS) before the database closes.
 */
export function startAiDrafter(deps: { config: Readonly<Config>; db: Db; clock: Clock; logger: Logger; suggestions: SuggestionService }, stack: StopStack): AiDrafter | undefined {
  const llm = deps.config.llm
  if (!llm) return undefined
  const logger = deps.logger.child({ component: 'ai-drafter' })
  const chat = createChatClient({ url: llm.url, model: llm.model, apiKey: llm.apiKey, timeoutMs: llm.timeoutMs })
  const drafter = createAiDrafter({ db: deps.db, chat, model: llm.model, pricePer1k: llm.pricePer1k, suggestions: deps.suggestions, clock: deps.clock, logger })
  stack.defer(() => drafter.drain())
  // The URL and model help an operator check the setup; the key is never logged.
  logger.info({ url: llm.url, model: llm.model, timeoutMs: llm.timeoutMs }, 'AI drafter on (groups opt in under 用户与设置)')
  const target = new URL(llm.url)
  if (target.protocol === 'http:' && !isLoopbackHost(target.hostname)) {
    logger.warn({ host: target.hostname }, 'QUNDESK_LLM_URL is plain http to another machine: customers\' questions (and the key, if set) cross the network unencrypted — use https')
  }
  return drafter
}
