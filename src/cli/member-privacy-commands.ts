import fs from 'node:fs/promises'
import path from 'node:path'
import { loadConfig } from '../config/load-config.js'
import { systemClock } from '../core/clock.js'
import { questionVectorHashes } from '../embeddings/semantic-help.js'
import { loadKnowledge } from '../knowledge/load-knowledge.js'
import { createMemberPrivacy, type MemberPrivacy } from '../privacy/member-privacy.js'
import { openDb } from '../storage/create-db.js'
import { UsageError, type CliIo } from './cli-io.js'

/** Who ran the command, for the audit log: `cli:<login name>`. */
export function cliActor(env: Record<string, string | undefined>): string {
  const user = env.USER?.trim() || env.LOGNAME?.trim() || env.USERNAME?.trim()
  return user ? `cli:${user.slice(0, 64)}` : 'cli'
}

/**
 * `erasing`: the knowledge is loaded too, so the erasure deletes the embedding vectors of exactly the person's questions
 * (their cache keys depend on its synonyms); `knowledgeLoaded` false: it could not be, and every question vector goes.
 */
async function withPrivacy<T>(io: CliIo, work: (privacy: MemberPrivacy, knowledgeLoaded: boolean) => Promise<T>, erasing = false): Promise<T> {
  const config = loadConfig(io.env, io.cwd)
  const loaded = erasing ? await loadKnowledge(config.knowledgeDir) : undefined
  const hashes = loaded?.ok ? questionVectorHashes(loaded.kb) : undefined
  const db = await openDb(config)
  try {
    return await work(createMemberPrivacy({ db, clock: systemClock, questionVectorHashes: hashes }), hashes !== undefined)
  } finally {
    await db.destroy()
  }
}

/**
 * `qundesk members export <member id or name> [--out FILE]`: everything held about the person as JSON (PIPL access
 * right), audited. The file is created readable by its owner only: it is personal data.
 *
 * @example
 * await membersExport('张三', { out: 'zhangsan.json' }, io)   // 0
 */
export async function membersExport(who: string | undefined, flags: { out?: string }, io: CliIo): Promise<number> {
  if (!who) throw new UsageError('members export needs a member id or name, e.g. qundesk members export wxid_abc123 --out member.json')
  return withPrivacy(io, async (privacy) => {
    const { memberId } = await privacy.resolve(who)
    const json = JSON.stringify(await privacy.exportData(memberId, cliActor(io.env)), null, 2)
    if (!flags.out) {
      io.stdout(json)
      return 0
    }
    const file = path.resolve(io.cwd, flags.out)
    await fs.writeFile(file, `${json}\n`, { mode: 0o600 })
    io.stderr(`已导出成员 ${memberId} 的个人信息到 ${flags.out}（含聊天内容，请妥善保管）`)
    return 0
  })
}

/**
 * `qundesk members delete <member id or name> [--yes]`: erases the person, keeping anonymous counts (PIPL deletion
 * right). Without --yes it shows what would be erased and asks for the name on a terminal; with no terminal to
 * ask it refuses rather than guess.
 *
 * @example
 * await membersDelete('wxid_abc123', { yes: true }, io)   // 0
 */
export async function membersDelete(who: string | undefined, flags: { yes: boolean }, io: CliIo): Promise<number> {
  if (!who) throw new UsageError('members delete needs a member id or name, e.g. qundesk members delete wxid_abc123')
  return withPrivacy(io, async (privacy, knowledgeLoaded) => {
    const { memberId } = await privacy.resolve(who)
    const preview = await privacy.preview(memberId)
    if (!flags.yes) {
      io.stdout([
        `将删除成员「${preview.memberName}」（${memberId}）的个人信息：`,
        `  群成员关系 ${preview.memberships} 个（匿名保留入群/退群时间）`,
        `  发过的消息 ${preview.messages} 条（清空内容，匿名保留条数）`,
        `  相关建议回复 ${preview.suggestions} 条（清空内容，匿名保留统计）`,
        `  标签 ${preview.tags} 个、标签历史 ${preview.tagHistory} 条、CRM 资料 ${preview.attributes} 条、待补充信息 ${preview.slotRequests} 条（删除）`,
        '  嵌入服务为其问题缓存的向量（删除）',
        '  群里提到其昵称的消息内容也会清空（连同向量）；审计日志不可改写，保留原样。此操作不可撤销。',
      ].join('\n'))
      if (!io.confirm) {
        io.stderr('未删除：没有终端可以确认。确认无误后加 --yes 再运行')
        return 1
      }
      const answer = (await io.confirm(`输入成员昵称「${preview.memberName}」或成员 ID 确认删除：`)).trim()
      if (answer !== preview.memberName && answer !== memberId) {
        io.stderr('未删除：输入与成员昵称或 ID 不一致')
        return 1
      }
    }
    const summary = await privacy.erase(memberId, cliActor(io.env))
    io.stdout(`已删除成员 ${memberId} 的个人信息：消息 ${summary.messages} 条、建议回复 ${summary.suggestions} 条已匿名，`
      + `标签 ${summary.tags} 个、标签历史 ${summary.tagHistory} 条、CRM 资料 ${summary.attributes} 条、问题向量 ${summary.questionVectors} 条已删除；`
      + `待处理 ${summary.pendingCancelled} 条已取消`)
    if (!knowledgeLoaded) io.stderr('知识库未能加载，无法确定哪些问题向量属于该成员：已删除全部顾客问题的向量缓存（只是缓存，嵌入服务会按需重新计算）')
    return 0
  }, true)
}
