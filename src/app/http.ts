import { randomBytes } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import type { WechatyChannel } from '../channels/wechaty/wechaty-channel.js'
import { wecomCallbackRoutes } from '../channels/wecom/callback-routes.js'
import { wecomSidebarRoutes } from '../channels/wecom/sidebar-routes.js'
import type { WecomCallbackInbox } from '../channels/wecom/wecom-callback-inbox.js'
import type { Config } from '../config/load-config.js'
import { createMediaLibrary } from '../media/media-library.js'
import { createQuickReplyService } from '../settings/quick-replies.js'
import { createAuditService } from '../audit/audit-service.js'
import { createAuthService, type AuthService } from '../auth/auth-service.js'
import { randomPassword } from '../auth/password-hash.js'
import { createHttpServer } from '../console/create-http-server.js'
import type { Clock } from '../core/clock.js'
import type { Logger } from '../core/logger.js'
import { loadErrorView } from '../console/routes/knowledge.routes.js'
import type { MatcherRuntime } from '../nlu/matcher-runtime.js'
import { createCalibrationJob } from '../learning/calibration-job.js'
import { createLearningService, type LearningService } from '../learning/learning-service.js'
import type { MemberDirectory } from '../members/member-directory.js'
import type { DatabaseFileWatch } from '../notifications/database-file-watch.js'
import type { SemanticHelp } from '../embeddings/semantic-help.js'
import type { ReportService } from '../reports/report-service.js'
import type { SettingsService } from '../settings/settings-service.js'
import type { Db } from '../storage/create-db.js'
import { cachedDatabaseCheck } from '../storage/database-check.js'
import { countOutboxByStatus } from '../storage/outbox.repository.js'
import type { SuggestionService } from '../suggestions/suggestion-service.js'
import type { TagActionRunner } from '../tagging/tag-action-runner.js'
import type { TaggingService } from '../tagging/tagging-service.js'
import type { StopStack } from './stop-stack.js'

export interface Http {
  http: FastifyInstance
  /** Base URL, e.g. http://127.0.0.1:3000 */
  url: string
  /** The bearer token in force (made up for the demo when QUNDESK_API_TOKEN is unset). */
  apiToken: string | undefined
  auth: AuthService
  learning: LearningService
  /** Demo only: the admin account made up for this run when the database had no users. */
  demoAdmin: { name: string; password: string } | undefined
}

/** The console and the HTTP API (and WeCom's callback URLs), listening on the configured address. */
export async function startHttp(
  deps: {
    config: Readonly<Config>; db: Db; clock: Clock; logger: Logger; channel: WechatyChannel; knowledge: MatcherRuntime
    suggestions: SuggestionService; settings: SettingsService; reports: ReportService; directory: MemberDirectory; tagging: TaggingService; tagActions?: TagActionRunner
    wecomInbox: WecomCallbackInbox
    /** SQLite: whether the open file is still at its path (undefined on PostgreSQL). */
    databaseFile: DatabaseFileWatch | undefined
    /** The optional embedding provider (shown in health; its trouble never makes the app degraded). */
    semantic?: SemanticHelp | undefined
  },
  stack: StopStack,
): Promise<Http> {
  const { config, db, clock, logger, channel, knowledge } = deps
  const auth = createAuthService({ db, clock })
  // quick_check reads the whole file: health reruns it at most every five minutes (start already ran one).
  const databaseCheck = cachedDatabaseCheck(db)
  const learning = createLearningService({ db, clock, logger, knowledge: () => knowledge, suggestions: deps.suggestions, knowledgeDir: config.knowledgeDir })
  // Replies sent as drafted become 学习候选 for admins to review.
  stack.defer(learning.start())
  const calibration = createCalibrationJob({ db, clock, logger, knowledge: () => knowledge, knowledgeDir: config.knowledgeDir })
  stack.defer(() => calibration.stop())
  const apiToken = config.apiToken ?? (config.demo.enabled ? randomBytes(18).toString('base64url') : undefined)
  const demoAdmin = config.demo.enabled && !(await auth.hasUsers()) ? { name: 'admin', password: randomPassword() } : undefined
  // The password is printed to the terminal (and so to scrollback and CI logs): it opens only the change page.
  if (demoAdmin) await auth.addUser({ ...demoAdmin, role: 'admin', actor: 'system', mustChangePassword: true })
  const http = createHttpServer({
    logger,
    clock,
    apiToken,
    cookieSecure: config.cookieSecure,
    trustProxy: config.trustProxy,
    rateLimit: config.rateLimit,
    suggestions: deps.suggestions,
    learning,
    calibration,
    auth,
    settings: deps.settings,
    quickReplies: createQuickReplyService({ db, clock }),
    media: createMediaLibrary({ db, logger }),
    utcOffsetMinutes: config.utcOffsetMinutes,
    reports: deps.reports,
    audit: createAuditService({ db }),
    knowledge: () => knowledge,
    refineRanking: deps.semantic ? (kb, question, lexical) => deps.semantic!.rank(kb, question, lexical) : undefined,
    // WeCom's endpoints (the sidebar's signatures, the callback URLs) belong to the channel; the server only registers them.
    channelRoutes: [wecomSidebarRoutes(config.wecom), wecomCallbackRoutes({ config: config.wecomOfficial, inbox: deps.wecomInbox, clock })],
    health: async () => {
      // A deleted file passes quick_check (SQLite still has it open): its loss is the problem to show.
      const file = deps.databaseFile?.check()
      const loadError = knowledge.loadError()
      return {
        loggedIn: channel.isLoggedIn(),
        intents: knowledge.current().kb.intents.length,
        channel: channel.status(),
        outbox: await countOutboxByStatus(db),
        // Which process answered: behind a load balancer over several instances, the one to look at.
        instance: config.instanceId,
        database: file?.ok === false ? file : await databaseCheck(),
        knowledge: { ok: !loadError, version: knowledge.current().version, loadError: loadErrorView(loadError) },
        ...(deps.semantic ? { embeddings: deps.semantic.status() } : {}),
      }
    },
    members: deps.directory,
    tagging: deps.tagging,
    tagActions: deps.tagActions,
  })
  await http.listen({ host: config.host, port: config.port })
  stack.defer(() => http.close())
  const address = http.server.address()
  const port = typeof address === 'object' && address ? address.port : config.port
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`
  return { http, url, apiToken, auth, learning, demoAdmin }
}
