/**
 * What the console's browser scripts read from /api/*: the routes build these values and the page scripts read
 * them, so a field renamed on one side fails `tsc` on the other. Compiled into both the server and the browser
 * build (tsconfig.web.json); it may import only types, and only from the core files that name the domain's nouns
 * (vocabulary, suggestion, member, report, audit-item), so it never pulls server code into the browser. Shapes the
 * server's services already return are those core types; only what the API adds or leaves out is written here.
 */
import type { AuditItem } from '../core/audit-item.js'
import type { MemberDetail, MemberSummary, WaitingTagAction } from '../core/member.js'
import type { AgentTotal, IntentTotal, Report, ReportRow } from '../core/report.js'
import type { ContextMessage, Suggestion } from '../core/suggestion.js'
import type { ConnectionStatus, OutboxStatus, Role, SuggestionStatus } from '../core/vocabulary.js'

export type { MemberAttributes, MemberSummary, MemberTag, TagHistoryItem } from '../core/member.js'

/** A suggestion in the queue, its detail and a member's question history (GET /api/suggestions, /:id, fix-intent). */
export type SuggestionItem = Omit<Suggestion, 'rejectReason' | 'repliedAt'>

/** GET /api/suggestions/:id/context */
export interface SuggestionContextView {
  suggestion: SuggestionItem
  /** Recent messages in the group around the question, oldest first. */
  conversation: ContextMessage[]
  /** The customer's other questions to the bot, newest first. */
  history: SuggestionItem[]
  membership: { joinedAt: string; joinedAtEstimated: boolean } | null
  /** Lifecycle stage and tags in this group; imported CRM value (null when none was imported). */
  profile: {
    lifecycle: string | null
    tags: Array<{ tag: string; source: 'rule' | 'manual' }>
    crm: { totalSpend: number | null; monthlySpend: number | null; orders: number | null; rfm: { r: number | null; f: number | null; m: number | null } } | null
  }
  /**
   * For an open question the bot handed over without a match: knowledge answers that ranked close below the accept
   * threshold (可能相关), best first, for the agent to start from. Empty otherwise.
   */
  hints: Array<{ intentId: string; score: number; answer: string }>
}

/** The data of a `suggestion` server-sent event on /api/events: fetch the list again to see the change. */
export interface SuggestionEventData {
  type: 'created' | 'updated'
  id: number
  status: SuggestionStatus
  groupId: string
  /** The suggestion's version after the change (claims do not move it). */
  version: number
  /** Who holds it now (「小王 处理中」), or null. */
  claimedBy: string | null
}

/**
 * What every decision on a suggestion may carry (send, reject, fix-intent, mark-sent): the version the agent saw
 * (the console always sends it; an API-token caller may leave it out) and, after a confirm, `takeOver` to decide on
 * an item a colleague holds. POST /api/suggestions/:id/claim takes `takeOver` alone.
 */
export interface SuggestionDecisionRequest {
  version?: number
  takeOver?: boolean
}

/** A 409 on a suggestion (`stale`, `claimed_by_other`, `conflict`): the item as it is now, to show at once. */
export interface SuggestionConflictBody extends ApiErrorBody {
  current: SuggestionItem
}

/** GET /api/intents: the choices of the 意图不对 form. */
export interface IntentOption {
  id: string
  /** The admin's `name:` for the intent (e.g. 查物流), when the knowledge gives one. */
  name?: string
  example: string
  autoSend: boolean
}

/** GET/PUT /api/settings */
export interface SettingsView {
  slaMinutes: number
  outreachPerGroupPerHour: number
  waitAlertMinutes: number
  handoffAck: string
  handoffAckByReason: Partial<Record<'keyword' | 'emotion' | 'intent' | 'misses' | 'sla', string>>
  handoffAckByGroup: Record<string, string>
  /** By instance id or `*`: group ids or names the bot answers in; {} = every group. */
  servedGroups: Record<string, string[]>
  /** Group ids or names opted in to the optional AI drafter ([] = none); it drafts only when QUNDESK_LLM_URL is set. */
  aiDraftGroups: string[]
}

/** GET /api/health (the queue shows the account's connection and the outbox). */
export interface HealthView {
  /** ok: online with no failed sends and an undamaged database; degraded otherwise. */
  status: 'ok' | 'degraded'
  loggedIn: boolean
  /** Intents in the knowledge base in force. */
  intents: number
  channel: ConnectionStatus
  outbox: Record<OutboxStatus, number>
  /** QUNDESK_INSTANCE_ID of the process that answered. */
  instance: string
  /**
   * SQLite: the open file still at its path (checked on every request), then quick_check (rerun every few
   * minutes); always ok on PostgreSQL.
   */
  database: { ok: boolean; problems: string[] }
  /**
   * The last knowledge edit that did not load (`file:line: message — hint` per problem; the bot answers with the
   * last good version meanwhile), or null. A load error makes the status degraded.
   */
  knowledge: { ok: boolean; version: number; loadError: KnowledgeLoadErrorView | null }
  /**
   * The optional embedding provider (absent when QUNDESK_EMBEDDINGS_URL is unset). Its own status is degraded while
   * its circuit breaker is open; the overall status is not: the offline matcher answers meanwhile.
   */
  embeddings?: EmbeddingsHealthView
}

/** The embedding provider in GET /api/health: breaker, counters since the process started, latency. */
export interface EmbeddingsHealthView {
  status: 'ok' | 'degraded'
  model: string
  breaker: { state: 'closed' | 'open' | 'half-open'; consecutiveFailures: number; openedAt: string | null }
  requests: number
  failures: Record<'timeout' | 'network' | 'http' | 'malformed' | 'breaker_open', number>
  textsEmbedded: number
  cacheHits: number
  /** Questions ranked with the provider's help, and decided by the offline matcher alone because it failed or was slow. */
  blended: number
  fallbacks: number
  latencyMs: { last: number; p50: number; p95: number } | null
  lastError: { kind: string; message: string; at: string } | null
}

/** A problem in a knowledge file, where it is and how to fix it. */
export interface KnowledgeProblemView {
  file: string
  line: number
  message: string
  hint: string
  /** `file:line: message — hint`, as `qundesk kb check` prints it. */
  text: string
}

/** The last knowledge edit that did not load. */
export interface KnowledgeLoadErrorView {
  at: string
  problems: KnowledgeProblemView[]
}

/** One `qundesk kb lint` warning. */
export interface KnowledgeLintWarningView {
  kind: 'confusable' | 'few_examples' | 'duplicate_example' | 'shared_example' | 'unknown_placeholder'
  file: string
  line: number
  message: string
  hint: string
  intentIds: string[]
  examples: string[]
  share?: number
}

/** GET /api/knowledge (admin): the knowledge in use, the last load error and the lint of this version. */
export interface KnowledgeView {
  version: number
  loadedAt: string
  intents: Array<{ id: string; name?: string; examples: string[]; answer: string; autoSend: boolean; file: string; line: number }>
  loadError: KnowledgeLoadErrorView | null
  /** `running` until the background lint of this version is done (poll again); `failed` with the reason. */
  lint:
    | { status: 'running' }
    | { status: 'ready'; warnings: KnowledgeLintWarningView[]; heldOut: number; folds: number; ms: number }
    | { status: 'failed'; error: string }
}

/** One row of the calibration curve: shares of the held-out questions at that suggest threshold (S). */
export interface CalibrationCurveRowView {
  threshold: number
  accuracy: number
  wrongAccept: number
  miss: number
  falseAccept: number
}

/**
 * GET /api/knowledge/calibration (admin): the 阈值校准 run of this instance (`qundesk kb calibrate` in its background
 * worker). `idle` before any run; `running` with progress (poll again); `done` with the proposal; `failed` with why.
 */
export interface CalibrationView {
  status: 'idle' | 'running' | 'done' | 'failed'
  startedAt: string | null
  startedBy: string | null
  finishedAt: string | null
  targetFalseAccept: number
  progress: { phase: 'intents' | 'examples'; done: number; total: number } | null
  /** Why the run failed: the folder's problems with file:line, or the worker's error. */
  error: { message: string; problems: KnowledgeProblemView[] } | null
  result: {
    intents: number
    listed: number
    unlisted: number
    leftOutIntents: number
    sampled: boolean
    folds: number
    ms: number
    top1: number
    /** Proposed S (null: the folder has too few examples to hold any out); `met` false when no S meets the target. */
    accept: (CalibrationCurveRowView & { met: boolean }) | null
    autoSend: { threshold: number; met: boolean; autoSent: number; autoWrong: number; autoFalse: number } | null
    /** Every 0.05 from 0.1 to 0.8, plus the proposed S. */
    curve: CalibrationCurveRowView[]
    /** The knowledge version loaded when the run started; the page says when the knowledge has changed since. */
    knowledgeVersion: number
  } | null
  /** The global band in use now and where it comes from (`matching:` or the built-in defaults). */
  current: { suggest: number; autoSend: number; source: 'matching' | 'default' }
  /** The last proposal written into the knowledge by this instance. */
  written: { file: string; suggest: number; autoSend: number; at: string; by: string } | null
}

/** POST /api/knowledge/test (admin): what the bot would decide for a question, and why (as `qundesk kb test`). */
export interface KnowledgeTestView {
  decision: 'accept' | 'reject'
  intent: { intentId: string; score: number } | null
  confident: boolean
  threshold: number
  /** Where the thresholds came from, as decideIntent says it ('default + group VIP客户群'); `bandsText` in words. */
  bands: string
  bandsText: string
  top: Array<{ intentId: string; score: number }>
  evidence: Array<{ intentId: string; score: number; centroid: number; nearest: number; classifier: number; blend: number; capped: boolean }>
  formula: string
  emotion: string
  escalation: { reason: string; detail: string } | null
  /** The accepted intent's answer template, or null. */
  answer: string | null
  /** True when the embedding provider's vectors were blended into `top` (then `evidence` explains the offline part). */
  semantic: boolean
}

/** The counts of one day or one group in GET /api/reports. */
export type ReportCounts = Omit<ReportRow, 'day' | 'groupId' | 'groupName'>
/** One intent's row in GET /api/reports (`intentId` null: no intent matched). */
export type ReportIntent = IntentTotal
/** One agent's row in GET /api/reports. */
export type ReportAgent = AgentTotal

/** GET /api/reports */
export type ReportView = Report

export interface MemberPage {
  total: number
  members: MemberSummary[]
}

/** GET /api/members/:id, and the answer to adding or removing a manual tag. */
export type MemberDetailView = MemberDetail

/** GET /api/tags */
export interface TagsView {
  /** False when no rules are loaded: nothing is tagged automatically. */
  enabled: boolean
  tags: Array<{ tag: string; source: string; members: number }>
  ruleTags: Array<{ id: string; when: string; description: string | null; source: string }>
  lifecycle: string[]
  manualTags: string[]
}

export interface DistributionRow {
  day: string
  kind: 'tag' | 'lifecycle'
  name: string
  members: number
}

/** GET /api/tags/distribution */
export interface DistributionView {
  days: number
  rows: DistributionRow[]
}

/** GET /api/groups */
export interface GroupView {
  groupId: string
  groupName: string
  members: number
}

/** POST /api/tags/retag */
export interface RetagView {
  members: number
  changed: number
  added: number
  removed: number
  actionsQueued: number
}

/** GET /api/users */
export interface UserView {
  id: number
  name: string
  role: Role
  disabled: boolean
  createdAt: string
  /** The user has a password someone else set (demo, admin reset) and must choose their own at the next login. */
  mustChangePassword: boolean
}

/** POST /api/session/password: a signed-in user's own change. */
export interface PasswordChangeRequest {
  currentPassword: string
  newPassword: string
}

/** The answer to POST /api/session/password: the caller's session stays, the user's others ended. */
export interface PasswordChangeView {
  otherSessionsEnded: number
}

/** POST /api/session (login) and GET /api/session. */
export interface SessionView {
  user: { name: string; role: Role; mustChangePassword: boolean }
  /** null for an API token: it has no session. */
  csrfToken: string | null
}

/** GET /api/audit: each entry with the console's words for it (src/audit/describe-audit-entry.ts). */
export type AuditView = AuditItem & { actorLabel: string; actionLabel: string; subjectLabel: string; detailLines: Array<[label: string, text: string]> }

/** GET /api/wecom/config */
export interface WecomConfigView {
  enabled: boolean
  corpId: string | null
  agentId: string | null
}

export interface JsApiSignature {
  timestamp: string | number
  nonceStr: string
  signature: string
}

/** GET /api/wecom/jsapi-signature */
export interface WecomSignatureView {
  corpId: string
  agentId: string
  config: JsApiSignature
  agentConfig: JsApiSignature
}

/** The body of every error answer. */
export interface ApiErrorBody {
  error: string
  message: string
}

/** GET /api/quick-replies (as kept) and GET /api/suggestions/:id/quick-replies (filled for that item). */
export interface QuickReplyView {
  id: number
  title: string
  text: string
  updatedBy: string
  updatedAt: string
}

/** 学习候选: a question proposed as an example of an intent, waiting for an admin (GET /api/learning/candidates). */
export interface LearningCandidateView {
  id: number
  intentId: string
  /** False when the intent was renamed or removed since: the candidate can only be discarded. */
  intentExists: boolean
  text: string
  /** `sent`: an agent sent the bot's draft unchanged; `fix`: an agent chose this intent with "wrong intent". */
  source: 'sent' | 'fix'
  suggestionId: number | null
  proposedBy: string
  createdAt: string
}

export interface LearningCandidatesView {
  candidates: LearningCandidateView[]
  /** All pending candidates (the list shows the oldest ones first, up to a limit). */
  total: number
}

/** POST /api/learning/candidates/:id/accept: where the example went and whether the knowledge reloaded. */
export interface LearningAcceptView {
  file: string
  intentId: string
  text: string
  reloaded: boolean
}

/** 知识缺口: a group of similar questions no intent matched, drafted as an intent (GET /api/learning/gaps). */
export interface KnowledgeGapView {
  draftId: string
  /** Questions asked in the period that fell into this group (repeats counted). */
  count: number
  /** Distinct questions, most asked first. */
  questions: string[]
  /** The draft as a knowledge file snippet to paste into knowledge/ and complete. */
  yaml: string
}

export interface KnowledgeGapsView {
  days: number
  /** Unmatched questions read (at most the cap, newest first). */
  questions: number
  gaps: KnowledgeGapView[]
}

/** GET /api/tag-actions/waiting: tag actions not run yet (outreach held back by the per-group hourly cap, or due at the next run). */
export type WaitingTagActionView = WaitingTagAction
