import type { Config } from '../config/load-config.js'
import type { Clock } from '../core/clock.js'
import type { Logger } from '../core/logger.js'
import { createSemanticHelp, type SemanticHelp } from '../embeddings/semantic-help.js'
import type { Db } from '../storage/create-db.js'
import type { StopStack } from './stop-stack.js'

/**
 * The optional embedding provider (QUNDESK_EMBEDDINGS_URL): its help for the matcher, or undefined when it is not
 * configured (the default: the offline matcher alone). Nothing is asked of the provider here; the knowledge's
 * examples are embedded once the knowledge loads, in the background, so a provider that is down never delays a start.
 */
export function createEmbeddings(deps: { config: Readonly<Config>; db: Db; clock: Clock; logger: Logger }, stack: StopStack): SemanticHelp | undefined {
  const embeddings = deps.config.embeddings
  if (!embeddings) return undefined
  // The URL and model only; the key stays out of the log.
  deps.logger.info({ embeddingsUrl: embeddings.baseUrl, model: embeddings.model, timeoutMs: embeddings.timeoutMs, weight: embeddings.weight }, 'embedding provider configured: questions are matched with its help when it answers')
  const semantic = createSemanticHelp({ config: embeddings, db: deps.db, clock: deps.clock, logger: deps.logger })
  stack.defer(() => semantic.stop())
  return semantic
}
