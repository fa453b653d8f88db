import { randomBytes } from 'node:crypto'
import type { Clock } from '../core/clock.js'
import { QunDeskError } from '../core/errors.js'
import { appendAudit } from '../storage/audit.repository.js'
import type { Db } from '../storage/create-db.js'
import { flushErasedContent } from '../storage/erased-content.js'
import {
  countLiveSendsTo, countMemberData, eraseMemberData, findMemberCandidates, listMemberNames, readMemberData, type EraseCounts, type MemberDataCounts,
} from '../storage/member-data.repository.js'
import { toMemberExport, type MemberExport } from './member-export.js'

/** Kept rows of an erased person carry this prefix and a random part: nothing leads back to them. */
export const ERASED_ID_PREFIX = 'erased:'
/** One-character names would blank every message containing that character; they are matched by id only. */
const MIN_NAME_LENGTH = 2

export interface ErasePreview extends MemberDataCounts {
  memberId: string
  memberName: string
}

/** Counts only: the anonymous id is not handed back, so nothing printed or returned links it to the person. */
export type EraseSummary = EraseCounts

export interface MemberPrivacy {
  /** A member id, or an exact display name that belongs to one person; throws not_found or bad_request (ambiguous). */
  resolve(who: string): Promise<{ memberId: string; memberName: string }>
  /** Everything held about the person, as JSON-ready data; audited as member.exported. */
  exportData(memberId: string, actor: string): Promise<MemberExport>
  /** What an erasure would remove, without changing anything. */
  preview(memberId: string): Promise<ErasePreview>
  /** Erases the person in one transaction, leaving anonymous counts; audited as member.erased (counts only). */
  erase(memberId: string, actor: string): Promise<EraseSummary>
}

/**
 * The members' PIPL rights: access (export everything held about a person) and deletion (erase them, keeping only
 * anonymous counts so reports and tag statistics stay right). The audit log is an append-only hash chain and is
 * not rewritten: entries about the person stay (their id as subject, and whatever detail was recorded then).
 *
 * @example
 * const privacy = createMemberPrivacy({ db, clock, questionVectorHashes: (text) => questionVectorHashes(knowledge.current().kb)(text) })
 * const { memberId } = await privacy.resolve('张三')
 * await privacy.erase(memberId, 'cli:ops')   // { messages: 12, suggestions: 3, memberships: 1, questionVectors: 2, ... }
 */
export function createMemberPrivacy(deps: {
  db: Db; clock: Clock; anonymousId?: () => string
  /**
   * The embedding cache keys of a customer's text, from the current knowledge's normaliser (`questionVectorHashes`),
   * so an erasure deletes the provider's vectors of exactly their questions. Absent: it deletes every question vector.
   */
  questionVectorHashes?: ((text: string) => readonly string[]) | undefined
}): MemberPrivacy {
  const { db, clock } = deps
  const newAnonymousId = deps.anonymousId ?? (() => `${ERASED_ID_PREFIX}${randomBytes(12).toString('base64url')}`)

  async function resolve(who: string): Promise<{ memberId: string; memberName: string }> {
    const wanted = who.trim()
    if (wanted.startsWith(ERASED_ID_PREFIX)) throw new QunDeskError('bad_request', `${wanted} 是已删除成员的匿名 ID，没有个人信息可导出或删除`, { memberId: wanted })
    const candidates = await findMemberCandidates(db, wanted)
    const byId = candidates.find((c) => c.memberId === wanted)
    if (byId) return { memberId: byId.memberId, memberName: byId.memberName }
    const ids = [...new Set(candidates.map((c) => c.memberId))]
    if (ids.length === 0) throw new QunDeskError('not_found', `没有找到成员 ${wanted}（按成员 ID 或完整昵称查找）`, { who: wanted })
    if (ids.length > 1) {
      const lines = candidates.map((c) => `  ${c.memberId}  ${c.memberName}  ${c.groupName}`).join('\n')
      throw new QunDeskError('bad_request', `有 ${ids.length} 个成员叫「${wanted}」，请用成员 ID：\n${lines}`, { who: wanted, candidates: ids })
    }
    return { memberId: ids[0]!, memberName: candidates[0]!.memberName }
  }

  /** By id only (the API and the console): unknown ids are 404, erased ids are refused. */
  async function requireKnown(memberId: string): Promise<string> {
    const resolved = await resolve(memberId)
    if (resolved.memberId !== memberId) throw new QunDeskError('not_found', `成员 ${memberId} 不存在`, { memberId })
    return resolved.memberName
  }

  return {
    resolve,
    async exportData(memberId, actor) {
      await requireKnown(memberId)
      const data = await readMemberData(db, memberId)
      const now = clock()
      const result = toMemberExport(memberId, data, now)
      await appendAudit(db, {
        at: now, actor, action: 'member.exported', subjectType: 'member', subjectId: memberId,
        detail: { messages: data.messages.length, suggestions: data.suggestions.length, memberships: data.memberships.length },
      })
      return result
    },
    async preview(memberId) {
      const memberName = await requireKnown(memberId)
      return { memberId, memberName, ...(await countMemberData(db, memberId)) }
    },
    async erase(memberId, actor) {
      await requireKnown(memberId)
      const anonymousId = newAnonymousId()
      const at = clock()
      const counts = await db.transaction().execute(async (trx) => {
        // Checked inside the transaction: the outbox worker cannot pick up a new send to them in between.
        const live = await countLiveSendsTo(trx, memberId)
        if (live > 0) throw new QunDeskError('conflict', `有 ${live} 条发给该成员的消息正在排队或发送，发完（或失败）后再删除`, { live })
        const names = (await listMemberNames(trx, memberId)).filter((name) => name.length >= MIN_NAME_LENGTH)
        const erased = await eraseMemberData(trx, { memberId, names, anonymousId, at: at.toISOString(), actor, questionVectorHashes: deps.questionVectorHashes })
        // Counts only: the entry must not put back what was just erased (the subject is the anonymous id).
        await appendAudit(trx, { at, actor, action: 'member.erased', subjectType: 'member', subjectId: anonymousId, detail: { ...erased } })
        return erased
      })
      // Committed: now the old bytes must leave the file and its WAL too, not only the rows.
      await flushErasedContent(db)
      return counts
    },
  }
}
