import fs from 'node:fs/promises'
import path from 'node:path'
import { loadConfig } from '../config/load-config.js'
import { systemClock } from '../core/clock.js'
import { QunDeskError } from '../core/errors.js'
import { importMembers, PHONE_NOT_MATCHABLE, type MemberImportResult, type UnmatchedMemberRow } from '../members/import/import-members.js'
import { formatMemberFileProblem, memberFileFormat, parseMemberFile } from '../members/import/parse-member-file.js'
import { maskPhone, quote, validateMemberRows } from '../members/import/validate-member-rows.js'
import { openDb } from '../storage/create-db.js'
import { UsageError, type CliIo } from './cli-io.js'

/** CRM exports of a few hundred thousand members are tens of MB; 200 MB keeps the whole file in memory safely. */
export const MAX_MEMBER_FILE_BYTES = 200 * 1024 * 1024
/** Problems printed before "… 另有 N 个问题未列出": enough to see the pattern, not a wall of text for a wrong file. */
const MAX_PROBLEMS_SHOWN = 200
const MAX_UNMATCHED_SHOWN = 50

const figure = (n: number) => n.toLocaleString('en-US')

/**
 * `qundesk members import FILE.csv|json [--skip-unmatched] [--dry-run]`: checks every row (exit 1 with
 * `FILE:LINE: message — hint` per problem, nothing written), matches rows to group members (unmatched rows stop
 * the import unless --skip-unmatched), then writes them, the RFM scores and an audit entry in one transaction.
 *
 * @example
 * await membersImport({ file: 'crm.csv', skipUnmatched: false, dryRun: true }, io) // 0: all rows valid and matched
 */
export async function membersImport(flags: { file: string; skipUnmatched: boolean; dryRun: boolean }, io: CliIo): Promise<number> {
  if (!flags.file) throw new UsageError('members import 需要一个文件，如 qundesk members import crm.csv')
  const format = memberFileFormat(flags.file)
  if (!format) throw new UsageError(`${flags.file}: members import 只能读取 .csv 或 .json 文件`)
  const config = loadConfig(io.env, io.cwd)
  const bytes = await readMemberFile(path.resolve(io.cwd, flags.file), flags.file)
  const source = path.basename(flags.file)

  const parsed = parseMemberFile(flags.file, bytes, format)
  const validated = validateMemberRows(parsed, { now: systemClock(), utcOffsetMinutes: config.utcOffsetMinutes })
  for (const warning of parsed.warnings) io.stderr(`警告：${formatMemberFileProblem(warning)}`)
  // In file order (a stable sort keeps a row's problems in column order).
  const problems = [...parsed.problems, ...validated.problems].sort((a, b) => (a.index ?? a.line) - (b.index ?? b.line))
  if (problems.length > 0) {
    for (const problem of problems.slice(0, MAX_PROBLEMS_SHOWN)) io.stderr(formatMemberFileProblem(problem))
    if (problems.length > MAX_PROBLEMS_SHOWN) io.stderr(`… 另有 ${figure(problems.length - MAX_PROBLEMS_SHOWN)} 个问题未列出`)
    io.stderr(`未导入：${source} 有 ${figure(problems.length)} 个问题，数据库未改动`)
    return 1
  }

  const db = await openDb(config)
  try {
    let result: MemberImportResult
    try {
      result = await importMembers({ db, clock: systemClock }, { source, fields: parsed.fields, rows: validated.rows, skipUnmatched: flags.skipUnmatched, dryRun: flags.dryRun })
    } catch (error) {
      io.stderr(`导入失败，已回滚，数据库未改动：${(error as Error).message}`)
      return 1
    }
    reportUnmatched(flags.file, result.unmatched, io)
    const counts = `共 ${figure(result.total)} 行，匹配 ${figure(result.matched)} 行，未匹配 ${figure(result.unmatched.length)} 行`
    const blocked = result.unmatched.length > 0 && !flags.skipUnmatched
    if (flags.dryRun) {
      io.stdout(`试运行 ${source}：${counts}；未写入数据库（--dry-run）`)
      return blocked || result.matched === 0 ? 1 : 0
    }
    if (blocked) {
      io.stderr(`未导入：${figure(result.unmatched.length)} 行未匹配，数据库未改动 — 核对这些 ID，或加 --skip-unmatched 只导入匹配的行`)
      return 1
    }
    if (!result.written) {
      io.stderr(`未导入：${source} 没有一行匹配到群成员，数据库未改动`)
      return 1
    }
    const skipped = result.unmatched.length > 0 ? '（--skip-unmatched 已跳过）' : ''
    io.stdout(`导入 ${source}：${counts}${skipped}；已更新 RFM 评分（${figure(result.scored)} 人）。标签在下次定时重算时更新，或由管理员在「用户与设置」里点「立即重新计算标签」`)
    return 0
  } finally {
    await db.destroy()
  }
}

async function readMemberFile(file: string, shown: string): Promise<Buffer> {
  try {
    const info = await fs.stat(file)
    if (!info.isFile()) throw new QunDeskError('bad_request', `${shown}: 不是文件 — 请给出 .csv 或 .json 文件的路径`)
    if (info.size > MAX_MEMBER_FILE_BYTES) {
      throw new QunDeskError('bad_request', `${shown}: 文件有 ${(info.size / 1024 / 1024).toFixed(1)} MB，超过 200 MB 的上限 — 拆成几个小文件分别导入（每次导入只更新文件里列出的成员）`)
    }
    return await fs.readFile(file)
  } catch (error) {
    if (error instanceof QunDeskError) throw error
    const code = (error as NodeJS.ErrnoException).code
    const why = code === 'ENOENT' ? '找不到文件 — 请检查路径' : `无法读取文件（${code ?? (error as Error).message}）`
    throw new QunDeskError('bad_request', `${shown}: ${why}`, {}, { cause: error })
  }
}

function reportUnmatched(file: string, unmatched: readonly UnmatchedMemberRow[], io: CliIo): void {
  for (const { row, reason } of unmatched.slice(0, MAX_UNMATCHED_SHOWN)) {
    const where = { file, line: row.line, ...(row.index !== undefined ? { index: row.index } : {}) }
    io.stderr(
      reason === 'phone_only'
        ? formatMemberFileProblem({ ...where, message: `phone ${maskPhone(row.phone ?? '')} 未匹配：${PHONE_NOT_MATCHABLE}`, hint: '给这位成员加上 member_id 或 external_userid 列' })
        : formatMemberFileProblem({ ...where, message: `${row.keyField} ${quote(row.memberId ?? '')} 未匹配：没有群成员用这个 ID（已查所有群，包括已退群的成员）`, hint: '请确认这是 QunDesk 里显示的该成员 ID' }),
    )
  }
  if (unmatched.length > MAX_UNMATCHED_SHOWN) io.stderr(`… 另有 ${figure(unmatched.length - MAX_UNMATCHED_SHOWN)} 行未列出`)
}
