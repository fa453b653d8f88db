import type { Migration } from 'kysely'
import * as initial from './2026-11-23-001-initial.js'
import * as console from './2026-11-23-002-console.js'
import * as emotionEscalation from './2026-11-23-003-emotion-escalation.js'
import * as slotRequests from './2026-11-23-004-slot-requests.js'
import * as groupMembers from './2026-11-23-005-group-members.js'
import * as memberTags from './2026-11-23-006-member-tags.js'
import * as wecom from './2026-11-23-007-wecom.js'
import * as joinScene from './2026-11-23-008-join-scene.js'
import * as auditChain from './2026-11-23-009-audit-chain.js'
import * as outbox from './2026-11-23-010-outbox.js'
import * as privacy from './2026-11-23-011-privacy.js'
import * as contentKeys from './2026-11-23-012-content-keys.js'
import * as instances from './2026-11-23-013-instances.js'
import * as loginFailures from './2026-11-24-014-login-failures.js'
import * as loginAttemptWindows from './2026-12-02-015-login-attempt-windows.js'
import * as announcedMessages from './2026-12-02-016-announced-messages.js'
import * as passwordChange from './2026-12-02-017-password-change.js'
import * as messageTextLength from './2026-12-02-018-message-text-length.js'
import * as claims from './2026-12-02-019-claims.js'
import * as quickReplies from './2026-12-02-020-quick-replies.js'
import * as messageMedia from './2026-12-02-021-message-media.js'
import * as learningCandidates from './2026-12-02-022-learning-candidates.js'
import * as slotRequestMatch from './2026-12-02-023-slot-request-match.js'
import * as embeddingCache from './2026-12-03-024-embedding-cache.js'
import * as aiDrafts from './2026-12-03-025-ai-drafts.js'

/** Every migration, by timestamped name. Static imports keep them inside the build (no directory scanning). */
export const migrations: Record<string, Migration> = {
  '2026-11-23-001-initial': initial,
  '2026-11-23-002-console': console,
  '2026-11-23-003-emotion-escalation': emotionEscalation,
  '2026-11-23-004-slot-requests': slotRequests,
  '2026-11-23-005-group-members': groupMembers,
  '2026-11-23-006-member-tags': memberTags,
  '2026-11-23-007-wecom': wecom,
  '2026-11-23-008-join-scene': joinScene,
  '2026-11-23-009-audit-chain': auditChain,
  '2026-11-23-010-outbox': outbox,
  '2026-11-23-011-privacy': privacy,
  '2026-11-23-012-content-keys': contentKeys,
  '2026-11-23-013-instances': instances,
  '2026-11-24-014-login-failures': loginFailures,
  '2026-12-02-015-login-attempt-windows': loginAttemptWindows,
  '2026-12-02-016-announced-messages': announcedMessages,
  '2026-12-02-017-password-change': passwordChange,
  '2026-12-02-018-message-text-length': messageTextLength,
  '2026-12-02-019-claims': claims,
  '2026-12-02-020-quick-replies': quickReplies,
  '2026-12-02-021-message-media': messageMedia,
  '2026-12-02-022-learning-candidates': learningCandidates,
  '2026-12-02-023-slot-request-match': slotRequestMatch,
  '2026-12-03-024-embedding-cache': embeddingCache,
  '2026-12-03-025-ai-drafts': aiDrafts,
}
