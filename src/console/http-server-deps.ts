import type { FastifyPluginAsync } from 'fastify'
import type { AuditService } from '../audit/audit-service.js'
import type { AuthService } from '../auth/auth-service.js'
import type { TrustProxy } from '../config/load-config.js'
import type { Clock } from '../core/clock.js'
import type { Logger } from '../core/logger.js'
import type { KnowledgeBase } from '../knowledge/knowledge-base.js'
import type { ScoredIntent } from '../nlu/intent-matcher.js'
import type { MatcherRuntime } from '../nlu/matcher-runtime.js'
import type { CalibrationJob } from '../learning/calibration-job.js'
import type { LearningService } from '../learning/learning-service.js'
import type { MediaLibrary } from '../media/media-library.js'
import type { MemberDirectory } from '../members/member-directory.js'
import type { ReportService } from '../reports/report-service.js'
import type { QuickReplyService } from '../settings/quick-replies.js'
import type { SettingsService } from '../settings/settings-service.js'
import type { SuggestionService } from '../suggestions/suggestion-service.js'
import type { TaggingService } from '../tagging/tagging-service.js'
import type { WaitingTagActionView } from './contract.js'
import type { HealthView } from './contract.js'
import type { RateLimitSettings } from './rate-limit.js'

/** What the composition reports for /api/health; the server adds the overall status. */
export type HealthReport = Omit<HealthView, 'status'>

export interface HttpServerDeps {
  logger: Logger
  clock: Clock
  apiToken?: string | undefined
  /** Whether the session cookie is marked Secure: true behind HTTPS; 'auto' follows the request's protocol. */
  cookieSecure?: boolean | 'auto'
  trustProxy?: TrustProxy
  suggestions: SuggestionService
  learning: LearningService
  /** 阈值校准: `kb calibrate` in the background worker, and writing its proposal. */
  calibration: CalibrationJob
  auth: AuthService
  settings: SettingsService
  quickReplies: QuickReplyService
  /** The customers' time zone (QUNDESK_UTC_OFFSET_MINUTES): dates in a question are read in it. */
  utcOffsetMinutes?: number
  reports: ReportService
  audit: AuditService
  knowledge: () => MatcherRuntime
  /** The embedding provider's blend, when one is configured: 试一试 ranks as the bot does (undefined: offline). */
  refineRanking?: ((kb: KnowledgeBase, question: string, lexical: readonly ScoredIntent[]) => Promise<readonly ScoredIntent[] | undefined>) | undefined
  /**
   * Routes a channel owns (e.g. WeCom's callback URLs and the sidebar's signature endpoint), each a plugin registered in a scope of its own.
   * Their routes declare `config.access` like any other and pass the same access check and rate limit.
   */
  channelRoutes?: readonly FastifyPluginAsync[] | undefined
  health: () => Promise<HealthReport>
  members: MemberDirectory
  /** Pictures, voice notes and files customers sent. */
  media: MediaLibrary
  tagging: TaggingService
  /** Tag actions still queued; absent: the route answers an empty list. */
  tagActions?: { waiting(): Promise<WaitingTagActionView[]> } | undefined
  /** Requests per second and burst per user, API token or client address (perSecond 0: off); absent: 20/s, burst 60. */
  rateLimit?: RateLimitSettings | undefined
}
