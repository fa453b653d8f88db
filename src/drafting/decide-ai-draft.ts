import { MAX_GROUNDING_INTENTS } from './build-draft-prompt.js'

/**
 * Whether the AI drafter is asked for a draft, and from which intents: only for a question the knowledge did not
 * answer (a needs-human item still waiting with no draft), only in a group an admin opted in (by id or name), and
 * only when the matcher ranked some intent at all (the draft is grounded in those answers; with none there is
 * nothing to ground it in). Returns the intent ids to ground it in, best first, at most MAX_GROUNDING_INTENTS;
 * null for no draft. Pure.
 *
 * @example
 * decideAiDraft({ kind: 'needs_human', status: 'pending', text: null, groupId: 'r1', groupName: 'VIP客户群' }, ['VIP客户群'],
 *   [{ intentId: 'invoice.issue', score: 0.31 }], (id) => true)                        // ['invoice.issue']
 * decideAiDraft({ ...same, groupName: '闲聊群' }, ['VIP客户群'], top, known)             // null: not opted in
 */
export function decideAiDraft(
  suggestion: { kind: string; status: string; text: string | null; groupId: string; groupName: string },
  optedInGroups: readonly string[],
  top: ReadonlyArray<{ intentId: string; score: number }>,
  hasAnswer: (intentId: string) => boolean,
): string[] | null {
  if (suggestion.kind !== 'needs_human' || suggestion.status !== 'pending' || suggestion.text !== null) return null
  if (!optedInGroups.some((g) => g === suggestion.groupId || g === suggestion.groupName)) return null
  const grounded = [...new Set(top.filter((t) => t.score > 0 && hasAnswer(t.intentId)).map((t) => t.intentId))].slice(0, MAX_GROUNDING_INTENTS)
  return grounded.length > 0 ? grounded : null
}
