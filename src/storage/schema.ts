import type { Generated, Insertable, Kysely, Selectable, Updateable } from 'kysely'
import type { MediaKind, MediaStatus } from '../core/media.js'
import type { EscalationReason, MessageStatus, OutboxStatus, Role, SuggestionDecision, SuggestionKind, SuggestionStatus, TagActionStatus, TagSource, WecomCallbackKind, WecomCallbackStatus } from '../core/vocabulary.js'

/** The database handle every repository takes first (SQLite or PostgreSQL behind the same kysely API). */
export type Db = Kysely<Database>

/**
 * Every table QunDesk stores, in one place. Timestamps are ISO-8601 UTC strings (portable across SQLite and
 * PostgreSQL, and they sort); booleans are 0/1 integers.
 */
export interface Database {
  messages: MessageTable
  suggestions: SuggestionTable
  audit_log: AuditLogTable
  users: UserTable
  sessions: SessionTable
  learned_examples: LearnedExampleTable
  settings: SettingTable
  slot_requests: SlotRequestTable
  group_members: GroupMemberTable
  member_tags: MemberTagTable
  member_tag_history: MemberTagHistoryTable
  member_attributes: MemberAttributeTable
  tag_actions: TagActionTable
  tag_counts: TagCountTable
  wecom_callbacks: WecomCallbackTable
  wecom_response_urls: WecomResponseUrlTable
  outbox: OutboxTable
  content_keys: ContentKeyTable
  instances: InstanceTable
  group_owners: GroupOwnerTable
  job_runs: JobRunTable
  login_failures: LoginFailureTable
  login_attempt_windows: LoginAttemptWindowTable
  announced_messages: AnnouncedMessageTable
  quick_replies: QuickReplyTable
  message_media: MessageMediaTable
  learning_candidates: LearningCandidateTable
  ai_drafts: AiDraftTable
  embedding_cache: EmbeddingCacheTable
}


export interface MessageTable {
  /** `<channel>:<platform id>`: the dedupe key. */
  id: string
  channel: string
  group_id: string
  group_name: string
  sender_id: string
  sender_name: string
  text: string
  question: string
  mentions_bot: number
  from_self: number
  sent_at: string
  received_at: string
  status: MessageStatus
  handled_at: string | null
  error: string | null
  /** Negative emotion of the text: none | mild | moderate | severe (null for the bot's own messages). */
  emotion_severity: string | null
  emotion_score: number | null
  /** When text, question and sender_name were blanked (retention, or the sender's erasure); null while kept. */
  content_purged_at: Generated<string | null>
  /** The instance that received it (QUNDESK_INSTANCE_ID); null before multi-instance support. */
  instance_id: Generated<string | null>
  /** Null when `text` is whole; else the text was cut to STORED_TEXT_MAX_CHARS and this is its length as received. */
  text_original_length: Generated<number | null>
}


export interface SuggestionTable {
  id: Generated<number>
  message_id: string
  group_id: string
  group_name: string
  member_id: string
  member_name: string
  question: string
  kind: SuggestionKind
  intent_id: string | null
  score: number | null
  /** The drafted reply; null when a human must answer. */
  text: string | null
  status: SuggestionStatus
  created_at: string
  /** When the customer asked (the message's sent_at): the start of the response time. */
  asked_at: string
  decision: SuggestionDecision | null
  decided_by: string | null
  decided_at: string | null
  final_text: string | null
  reject_reason: string | null
  replied_at: string | null
  response_ms: number | null
  last_error: string | null
  /** The intent the matcher chose before an agent corrected it ("wrong intent"); null otherwise. */
  matched_intent_id: string | null
  emotion_severity: string | null
  /** Why a human must look at this: keyword | emotion | intent | misses | sla; null when not escalated. */
  escalation_reason: EscalationReason | null
  escalation_detail: string | null
  /** When question, replies and member_name were blanked (retention, or the member's erasure); null while kept. */
  content_purged_at: Generated<string | null>
  /** Bumped by every change (status, draft, intent, escalation, blanking): a decision names the version it saw. */
  version: Generated<number>
  /** The agent working on it (opened it, typed) and their last activity; expired after CLAIM_IDLE_MS. */
  claimed_by: Generated<string | null>
  claimed_at: Generated<string | null>
  /** The draft in `text` came from the AI drafter, grounded in these intents (JSON array); null otherwise (migration 025). */
  ai_draft_intents: Generated<string | null>
}


export interface AuditLogTable {
  id: Generated<number>
  at: string
  actor: string
  action: string
  subject_type: string
  subject_id: string
  detail: string
  /** The previous entry's hash (64 zeros for the first) and this entry's: see src/storage/audit-chain.ts. */
  prev_hash: string | null
  hash: string | null
}


export interface UserTable {
  id: Generated<number>
  name: string
  role: Role
  /** `scrypt$N$r$p$salt$hash` (base64url parts). */
  password_hash: string
  created_at: string
  disabled: Generated<number>
  /** 1 while the password is one someone else set (demo admin, admin reset): the user must choose their own (migration 017). */
  must_change_password: Generated<number>
}

export interface SessionTable {
  /** sha256 of the cookie value: a stolen database does not yield live sessions. */
  id_hash: string
  user_id: number
  csrf_token: string
  created_at: string
  expires_at: string
}

export interface LearnedExampleTable {
  id: Generated<number>
  intent_id: string
  text: string
  suggestion_id: number | null
  created_by: string
  created_at: string
}

export interface SettingTable {
  key: string
  value: string
  updated_by: string
  updated_at: string
}

export interface SlotRequestTable {
  id: Generated<number>
  /** The question that needs the fact. */
  message_id: string
  group_id: string
  member_id: string
  intent_id: string
  question: string
  /** JSON array of slot names still missing. */
  slots: string
  asked_at: string
  expires_at: string
  /** handed_over: the facts never came (a reply of another kind, or the wait ran out); an agent has the question. */
  status: 'open' | 'filled' | 'expired' | 'handed_over'
  filled_by_message_id: string | null
  /** The original question's match score (null before migration 021). */
  match_score: Generated<number | null>
  /** 1 when the original match was confident (decideIntent); only then may the filled answer auto-send. */
  match_confident: Generated<number>
}

export interface GroupMemberTable {
  group_id: string
  member_id: string
  channel: string
  group_name: string
  member_name: string
  joined_at: string
  /** 1 when the join time is a best guess (the member was already there when QunDesk first saw the group). */
  joined_at_estimated: number
  /** event (a join event), sync (found in a member sync), wecom (groupchat/get join_time). */
  join_source: string
  invited_by: string | null
  left_at: string | null
  left_at_estimated: number
  updated_at: string
  /** The member's lifecycle stage in this group, from the rules (null: no stage matched or never tagged). */
  lifecycle: string | null
  /** The rule tags now, as a JSON array (null: rules never evaluated this membership). Mirrors member_tags. */
  rule_tags: string | null
  /** When the rule tags or the lifecycle stage last changed. */
  tags_changed_at: string | null
  /** WeCom's join_scene (1 invited, 2 link, 3 QR code); null when the channel does not say. */
  join_scene: number | null
}


/** A tag a member has now in one group. Rule tags are recomputed; manual tags are only changed by agents. */
export interface MemberTagTable {
  group_id: string
  member_id: string
  tag: string
  source: TagSource
  added_at: string
  /** `rules/x.yaml:12` for rule tags, the agent (`agent:小王`) for manual ones. */
  added_by: string
}

export interface MemberTagHistoryTable {
  id: Generated<number>
  group_id: string
  member_id: string
  tag: string
  change: 'added' | 'removed'
  source: TagSource
  at: string
  by: string
  /** JSON: the metric values the rule read when it changed (rule tags only). */
  seen: string | null
}

/** CRM facts imported with `qundesk members import`, per person (all of their groups). */
export interface MemberAttributeTable {
  member_id: string
  /** The CRM's or WeCom's id for the person (external_userid), as given in the import. */
  external_id: string | null
  monthly_spend: number | null
  total_spend: number | null
  orders: number | null
  returns: number | null
  last_purchase_at: string | null
  /** RFM scores 1–5 (quintiles over all imported members), computed at import. */
  rfm_r: number | null
  rfm_f: number | null
  rfm_m: number | null
  imported_at: string
  import_source: string
}


/** One action run for one tag change: queued, then turned into a suggestion/reminder (paced) or skipped. */
export interface TagActionTable {
  id: Generated<number>
  history_id: number
  /** Identifies the action across reloads: on, tag and a hash of what it does. */
  action_key: string
  group_id: string
  member_id: string
  tag: string
  status: TagActionStatus
  created_at: string
  done_at: string | null
  suggestion_id: number | null
  /** Why it was skipped, or what was done. */
  detail: string | null
}

/** Members per tag / lifecycle stage per day (UTC+8 calendar day), written by the full re-tag. */
export interface TagCountTable {
  day: string
  kind: 'tag' | 'lifecycle'
  name: string
  members: number
}

export type MessageRow = Selectable<MessageTable>
export type NewMessageRow = Insertable<MessageTable>
export type SuggestionRow = Selectable<SuggestionTable>
export type NewSuggestionRow = Insertable<SuggestionTable>
export type SuggestionUpdate = Updateable<SuggestionTable>
export type AuditLogRow = Selectable<AuditLogTable>
export type UserRow = Selectable<UserTable>
export type LearnedExampleRow = Selectable<LearnedExampleTable>
export type SlotRequestRow = Selectable<SlotRequestTable>
export type GroupMemberRow = Selectable<GroupMemberTable>
export type MemberTagRow = Selectable<MemberTagTable>
export type MemberTagHistoryRow = Selectable<MemberTagHistoryTable>
export type MemberAttributeRow = Selectable<MemberAttributeTable>
export type NewMemberAttributeRow = Insertable<MemberAttributeTable>
export type TagActionRow = Selectable<TagActionTable>
export type TagCountRow = Selectable<TagCountTable>


/** One verified WeCom delivery, stored before the acknowledgement; WeCom's retries hit the unique dedupe_key. */
export interface WecomCallbackTable {
  id: Generated<number>
  kind: WecomCallbackKind
  /**
   * app messages: `msg:<MsgId>`; app events: `event:<FromUserName>:<CreateTime>:<Event>:<ChangeType>:<ChatId>:<digest>`
   * (the digest of the fields tells apart two joins in the same second; a retry has the same fields); AI bot: `aibot:<msgid>`.
   */
  dedupe_key: string
  /** The decrypted plaintext (XML for the app, JSON for the AI bot). */
  payload: string
  received_at: string
  status: WecomCallbackStatus
  attempts: Generated<number>
  processed_at: string | null
  error: string | null
}

/** The AI bot's one-shot reply address for a message: valid for an hour, usable once. */
export interface WecomResponseUrlTable {
  message_id: string
  group_id: string
  response_url: string
  expires_at: string
  used_at: string | null
}

export type WecomCallbackRow = Selectable<WecomCallbackTable>
export type WecomResponseUrlRow = Selectable<WecomResponseUrlTable>


export interface OutboxTable {
  id: Generated<number>
  /** `suggestion:<id>` or `slot:<message id>`: what the send is for; at most one queued/sending row per source. */
  source: string
  group_id: string
  text: string
  mention_member_id: string | null
  mention_member_name: string | null
  /** The message answered (AI-bot replies go through that message's response_url). */
  reply_to_message_id: string | null
  actor: string
  status: OutboxStatus
  attempts: number
  next_attempt_at: string
  created_at: string
  sent_at: string | null
  last_error: string | null
  /** When the owner recorded the outcome; null on a finished row means it must be told again (after a crash). */
  settled_at: string | null
  /** The instance that sends it (its account is in the group); null: any. */
  instance_id: Generated<string | null>
}

export type OutboxRow = Selectable<OutboxTable>
export type NewOutboxRow = Insertable<OutboxTable>

/** A key stored content was sealed with: its fingerprint (never the key), and when no row used it any more. */
export interface ContentKeyTable {
  key_id: string
  fingerprint: string
  first_used_at: string
  retired_at: string | null
}

/** A QunDesk process sharing the database (QUNDESK_INSTANCE_ID), with its heartbeat. */
export interface InstanceTable {
  instance_id: string
  started_at: string
  heartbeat_at: string
  stopped_at: string | null
}

/** The instance whose account is in a group: the one that sends there. */
export interface GroupOwnerTable {
  group_id: string
  instance_id: string
  updated_at: string
}

/** One scheduled run of a fleet-wide job (job + the minute it was due), claimed by the instance that runs it. */
export interface JobRunTable {
  job: string
  slot: string
  instance_id: string
  started_at: string
  finished_at: string | null
  error: string | null
}

/** One failed console login under one throttle key (`user:<name>` or `ip:<address>`); kept for the throttle window. */
export interface LoginFailureTable {
  id: Generated<number>
  key: string
  at: string
}

/** Unauthenticated login failures per source and 10-minute window (see migration 015). */
export interface LoginAttemptWindowTable {
  key: string
  window_start: string
  attempts: number
}

/** A message id a puppet announced and this instance has not yet stored or skipped (see migration 016). */
export interface AnnouncedMessageTable {
  instance_id: string
  channel: string
  message_id: string
  announced_at: string
}

/** 常用语: a snippet agents insert into a reply; `{{name}}` and slot names are filled per item (migration 020). */
export interface QuickReplyTable {
  id: Generated<number>
  title: string
  text: string
  updated_by: string
  updated_at: string
}
export type QuickReplyRow = Selectable<QuickReplyTable>

/**
 * A picture, voice note, video or file that came with a message (a WeCom mixed message can carry several, by
 * `position`). The bytes are base64 text so that content encryption seals them like any other content column.
 */
export interface MessageMediaTable {
  id: Generated<number>
  message_id: string
  position: number
  /** Copied from the message: retention purges by it and erasure by the sender, without a join. */
  group_id: string
  sender_id: string
  sent_at: string
  kind: MediaKind
  mime_type: string
  file_name: string
  size_bytes: number | null
  /** Hex SHA-256 of the bytes as received, for an export to be checked against. */
  sha256: string | null
  /** Base64 of the bytes; null unless status is stored. */
  content: string | null
  /** A voice note as the platform transcribed it (WeCom's AI bot); null otherwise. */
  transcript: string | null
  status: MediaStatus
  created_at: string
  content_purged_at: string | null
}
export type MessageMediaRow = Selectable<MessageMediaTable>
export type NewMessageMediaRow = Insertable<MessageMediaTable>

/** Where a learning candidate came from: a reply sent as drafted confirms its intent; a "wrong intent" fix names the right one. */
export type LearningCandidateSource = 'sent' | 'fix'

/** 学习候选: a question proposed as an example of an intent, until an admin accepts or discards it (migration 022). */
export interface LearningCandidateTable {
  id: Generated<number>
  intent_id: string
  /** The customer's question (sealed). */
  text: string
  source: LearningCandidateSource
  suggestion_id: number | null
  /** Whose question it was, so erasure finds it. */
  member_id: string | null
  proposed_by: string
  created_at: string
}
export type LearningCandidateRow = Selectable<LearningCandidateTable>

/** What became of a request to the AI drafter: a draft filled in; refused or broken (failed); too late (timeout); an agent got there first (superseded). */
export type AiDraftOutcome = 'drafted' | 'failed' | 'timeout' | 'superseded'

/** One request to the AI drafter and what it cost (migration 025). No customer content: ids, counts, an error code. */
export interface AiDraftTable {
  id: Generated<number>
  suggestion_id: number
  group_id: string
  model: string
  outcome: AiDraftOutcome
  /** A short code for a failure (http_429, http_500, malformed_stream, empty_answer, network), null otherwise. */
  error: string | null
  /** The intents whose answers the prompt carried (JSON array). */
  intent_ids: string
  prompt_tokens: number
  completion_tokens: number
  /** 1 when the server sent no usage and the counts were estimated from the text. */
  tokens_estimated: number
  cost: number
  latency_ms: number
  created_at: string
}
export type AiDraftRow = Selectable<AiDraftTable>
export type NewAiDraftRow = Insertable<AiDraftTable>

/** A vector from the embedding provider (issue 18), by model and sha256 of the normalised text (base64url). */
export interface EmbeddingCacheTable {
  model: string
  text_hash: string
  /** 'example': a knowledge example's; 'question': a customer's, deleted by retention with the message's content. */
  kind: 'example' | 'question'
  dimension: number
  /** float32 little-endian bytes, base64. */
  vector: string
  created_at: string
}
export type EmbeddingCacheRow = Selectable<EmbeddingCacheTable>
