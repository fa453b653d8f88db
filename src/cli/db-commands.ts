import fs from 'node:fs'
import path from 'node:path'
import { loadConfig } from '../config/load-config.js'
import {
  COPY_TABLES,
  copyDatabase,
  DbCopyFailed,
  DbCopyRefused,
  describeLocation,
  MIGRATION_NAMES,
  migrateDatabase,
  openStoredDatabase,
  parseDatabaseLocation,
  readMigrationState,
  sameDatabase,
  type CopyReport,
  type DatabaseLocation,
} from '../storage/db-copy.js'
import { checkDatabaseOpening, recordDatabase } from '../storage/database-marker.js'
import { UsageError, type CliIo } from './cli-io.js'

/**
 * `qundesk migrate`: brings the configured database (the SQLite file in QUNDESK_DATA_DIR, or QUNDESK_DATABASE_URL)
 * to the latest schema and lists the migrations it applied, or says it was already current. Exit 1 on failure.
 */
export async function migrateCommand(io: CliIo): Promise<number> {
  const config = loadConfig(io.env, io.cwd)
  const location: DatabaseLocation = config.databaseUrl ? { kind: 'postgres', url: config.databaseUrl } : { kind: 'sqlite', file: config.databaseFile }
  const where = `${kindName(location)} ${describeLocation(location)}`
  const fail = (message: string) => (io.stderr(message), 1)
  // Like start: a missing SQLite file that existed before is not quietly migrated into an empty one.
  const markers = location.kind === 'sqlite' ? { file: path.resolve(location.file), stateDir: config.stateDir, newDatabase: false } : undefined
  const creates = markers ? checkDatabaseOpening(markers) : false
  let db: ReturnType<typeof openStoredDatabase>
  try {
    db = openStoredDatabase(location)
  } catch (error) {
    return fail(`无法打开数据库 ${where}：${errorText(error, location)}`)
  }
  try {
    let state: Awaited<ReturnType<typeof readMigrationState>>
    try {
      state = await readMigrationState(db)
    } catch (error) {
      return fail(`无法读取数据库 ${where}：${errorText(error, location)}`)
    }
    if (markers) recordDatabase(markers, creates, new Date().toISOString())
    if (state.unknown.length > 0) {
      return fail(`数据库 ${where} 已由更新版本的 QunDesk 迁移过（本版本不认识的迁移：${state.unknown.join('、')}）：请使用那个版本，本版本不改动它`)
    }
    if (state.pending.length === 0) {
      io.stdout(`数据库 ${where} 已是最新结构（${MIGRATION_NAMES.length} 个迁移，最新 ${MIGRATION_NAMES.at(-1)}），没有要执行的迁移`)
      return 0
    }
    io.stdout(`迁移数据库 ${where}：${state.pending.length} 个待执行`)
    const result = await migrateDatabase(db)
    for (const name of result.applied) io.stdout(`  已应用 ${name}`)
    if (result.failed) {
      const stoppedAt = [...state.executed, ...result.applied].at(-1)
      return fail([
        `迁移 ${result.failed.name ?? ''} 失败：${errorText(result.failed.error, location)}`,
        `数据库停在${stoppedAt ? ` ${stoppedAt}` : '初始状态（没有应用任何迁移）'}；解决问题后重新运行 qundesk migrate`,
      ].join('\n'))
    }
    io.stdout(`完成：应用了 ${result.applied.length} 个迁移，数据库已是最新结构`)
    return 0
  } finally {
    await db.destroy()
  }
}

/**
 * `qundesk db copy --from DB --to DB` (sqlite:FILE or postgres://…, either way round): copies an install into an
 * empty database, stored values as they are (see copyDatabase in src/storage/db-copy.ts). Prints rows per table,
 * the verification and the time taken. Exit 1 when refused (nothing written) or when the copy or its check failed.
 */
export async function dbCopyCommand(flags: { from?: string; to?: string }, io: CliIo): Promise<number> {
  const example = 'e.g. qundesk db copy --from sqlite:data/qundesk.sqlite --to postgres://qundesk:PASSWORD@127.0.0.1:5432/qundesk'
  if (!flags.from || !flags.to) throw new UsageError(`db copy needs --from and --to (sqlite:FILE or postgres://…), ${example}`)
  const parse = (flag: string, text: string) => {
    try {
      return parseDatabaseLocation(text, io.cwd)
    } catch (error) {
      throw new UsageError(`--${flag}: ${(error as Error).message}`)
    }
  }
  const from = parse('from', flags.from)
  const to = parse('to', flags.to)
  if (sameDatabase(from, to)) throw new UsageError(`--from and --to are the same database (${describeLocation(from)})`)
  const fail = (message: string) => (io.stderr(message), 1)
  if (from.kind === 'sqlite' && !fs.existsSync(from.file)) return fail(`源数据库 ${from.file} 不存在：检查 --from 的文件路径（默认在 QUNDESK_DATA_DIR/qundesk.sqlite）`)
  if (to.kind === 'sqlite' && fs.existsSync(to.file) && fs.statSync(to.file).isDirectory()) return fail(`${to.file} 是一个目录：--to 请给出文件名，例如 sqlite:${path.join(to.file, 'qundesk.sqlite')}`)

  io.stdout(`复制 ${kindName(from)} ${describeLocation(from)} → ${kindName(to)} ${describeLocation(to)}`)
  io.stdout('（复制的是开始这一刻的快照：请先停止 QunDesk，之后写入源库的数据不会出现在副本里）')

  let source: ReturnType<typeof openStoredDatabase>
  try {
    source = openStoredDatabase(from, { readonly: true })
  } catch (error) {
    return fail(`无法打开源数据库 ${describeLocation(from)}：${errorText(error, from)}`)
  }
  // A new SQLite target file is removed again if nothing usable gets into it, so a retry finds no leftovers.
  const createdTarget = to.kind === 'sqlite' && !fs.existsSync(to.file)
  let target: ReturnType<typeof openStoredDatabase> | undefined
  let keepTarget = true
  try {
    // The source's version is checked before the target is even opened: a refusal writes nothing anywhere.
    let state: Awaited<ReturnType<typeof readMigrationState>>
    try {
      state = await readMigrationState(source)
    } catch (error) {
      return fail(`无法读取源数据库 ${describeLocation(from)}：${errorText(error, from)}`)
    }
    if (state.unknown.length > 0 || state.pending.length > 0) return fail(refusalText(new DbCopyRefused(state.unknown.length > 0 ? { kind: 'source_newer', unknown: state.unknown } : { kind: 'source_not_current', pending: state.pending }), from, to))

    try {
      target = openStoredDatabase(to)
    } catch (error) {
      keepTarget = !createdTarget
      return fail(`无法打开目标数据库 ${describeLocation(to)}：${errorText(error, to)}`)
    }
    const width = Math.max(...COPY_TABLES.map((t) => t.name.length))
    let report: CopyReport
    try {
      report = await copyDatabase(source, target, {
        onTable: (t) => io.stdout(`  ${t.name.padEnd(width)}  ${t.rows.toLocaleString('en-US').padStart(11)} 行  ${(t.ms / 1000).toFixed(1).padStart(6)} 秒`),
      })
    } catch (error) {
      keepTarget = !createdTarget
      if (error instanceof DbCopyRefused) return fail(refusalText(error, from, to))
      if (error instanceof DbCopyFailed) return fail(failureText(error, from, to, createdTarget))
      return fail(`复制失败：${errorText(error, from, to)}。源数据库没有改动`)
    }
    return printReport(report, to, io)
  } finally {
    await source.destroy()
    await target?.destroy()
    if (!keepTarget && to.kind === 'sqlite') {
      for (const file of [to.file, `${to.file}-wal`, `${to.file}-shm`, `${to.file}-journal`]) fs.rmSync(file, { force: true })
    }
  }
}

function printReport(report: CopyReport, to: DatabaseLocation, io: CliIo): number {
  const total = report.tables.reduce((sum, t) => sum + t.rows, 0)
  const seconds = report.ms / 1000
  if (report.migrationsApplied.length > 0) io.stdout(`目标库先迁移到了最新结构（应用了 ${report.migrationsApplied.length} 个迁移）`)
  const continued = report.sequences.filter((s) => s.lastId > 0)
  if (continued.length > 0) io.stdout(`自增 id 接着源库继续：${continued.map((s) => `${s.table} ${s.lastId + 1}`).join('，')} 起`)
  const problems: string[] = []
  for (const m of report.countMismatches) problems.push(`${m.table} 表行数不一致：源库 ${m.source}，目标库 ${m.target}`)
  const audit = report.audit
  if (audit.ok) {
    io.stdout(audit.method === 'chain'
      ? `校验通过：各表行数与源库一致；审计日志 ${audit.entries} 条，哈希链完整`
      : `校验通过：各表行数与源库一致；审计日志 ${audit.entries} 条（内容已加密，无密钥不重算哈希链），每条的哈希与源库一致`)
  } else if (audit.brokenInSource) {
    io.stdout(`各表行数与源库一致；注意：审计日志的哈希链在源库中就已在第 ${audit.brokenAt} 条记录处断开（${audit.reason}），副本与源库相同 — 可用 qundesk audit verify 查看`)
  } else {
    problems.push(`审计日志校验失败：第 ${audit.brokenAt} 条记录（${audit.reason}）`)
  }
  const rate = seconds > 0 ? `，约 ${Math.round(total / seconds).toLocaleString('en-US')} 行/秒` : ''
  if (problems.length > 0) {
    io.stderr(['复制完成，但校验未通过：', ...problems.map((p) => `  - ${p}`), '目标库里的数据不可信：清空它（PostgreSQL 删除并重建数据库，SQLite 删除文件）后重新复制'].join('\n'))
    return 1
  }
  io.stdout(`完成：${report.tables.length} 个表，共 ${total.toLocaleString('en-US')} 行，用时 ${seconds.toFixed(1)} 秒${rate}`)
  io.stdout(to.kind === 'postgres'
    ? `下一步：把 QUNDESK_DATABASE_URL 设为 ${describeLocation(to)}（带上密码）后启动 QunDesk；QUNDESK_CONTENT_KEYS 保持不变。源数据库没有改动，可留作备份`
    : `下一步：去掉 QUNDESK_DATABASE_URL，把 ${to.file} 放到 QUNDESK_DATA_DIR/qundesk.sqlite 后启动 QunDesk；QUNDESK_CONTENT_KEYS 保持不变。源数据库没有改动，可留作备份`)
  return 0
}

function refusalText(error: DbCopyRefused, from: DatabaseLocation, to: DatabaseLocation): string {
  const reason = error.reason
  switch (reason.kind) {
    case 'source_not_current':
      return [
        `源数据库 ${describeLocation(from)} 还不是当前版本的结构（缺少 ${reason.pending.length} 个迁移：${reason.pending.join('、')}），没有复制，也没有写入任何数据。`,
        `先把它升级到最新结构：${migrateHint(from)}（或用当前版本的 QunDesk 在它上面启动一次），再运行 qundesk db copy`,
      ].join('\n')
    case 'source_newer':
      return `源数据库 ${describeLocation(from)} 已由更新版本的 QunDesk 迁移过（本版本不认识：${reason.unknown.join('、')}）：请用那个版本运行 qundesk db copy。没有写入任何数据`
    case 'target_not_empty':
      return [
        `目标数据库 ${describeLocation(to)} 不是空的（${reason.tables.map((t) => `${t.name} ${t.rows.toLocaleString('en-US')} 行`).join('，')}），没有写入任何数据。`,
        `qundesk db copy 只写入空数据库，不合并、不覆盖：${to.kind === 'postgres' ? '请新建一个数据库（例如 createdb -O qundesk qundesk_new）作为 --to' : '请给 --to 一个还不存在的 SQLite 文件'}`,
      ].join('\n')
    case 'target_newer':
      return `目标数据库 ${describeLocation(to)} 已由更新版本的 QunDesk 迁移过（本版本不认识：${reason.unknown.join('、')}），没有写入任何数据：请换一个新建的空数据库`
  }
}

function failureText(error: DbCopyFailed, from: DatabaseLocation, to: DatabaseLocation, createdTarget: boolean): string {
  const cause = errorText(error.cause, from, to)
  const written = error.committed.filter((t) => t.rows > 0)
  const cleanup = createdTarget
    ? `新建的目标文件 ${describeLocation(to)} 已删除，可直接重试`
    : written.length === 0
      ? '目标里还没有写入任何行，解决问题后可直接重试'
      : `重试前请清空目标：${to.kind === 'postgres' ? '删除并重建该数据库（dropdb / createdb）' : '删除目标文件（以及旁边的 -wal、-shm）'}`
  if (error.stage === 'migrate_target') return `目标数据库迁移失败（${error.table ?? ''}）：${cause}。没有复制任何数据；${cleanup}`
  const done = written.length > 0 ? `已写入目标的表：${written.map((t) => `${t.name} ${t.rows.toLocaleString('en-US')} 行`).join('、')}。` : ''
  const what = error.stage === 'copy' ? `复制 ${error.table} 表失败（这个表已回滚）` : '设置目标库的自增 id 失败'
  return `${what}：${cause}。${done}源数据库没有改动；${cleanup}`
}

function migrateHint(location: DatabaseLocation): string {
  if (location.kind === 'postgres') return `QUNDESK_DATABASE_URL='${describeLocation(location)}' qundesk migrate（换上真实密码）`
  if (path.basename(location.file) === 'qundesk.sqlite') return `QUNDESK_DATA_DIR=${path.dirname(location.file)} qundesk migrate`
  return `把文件改名为 qundesk.sqlite 放进一个目录，用 QUNDESK_DATA_DIR=那个目录 qundesk migrate`
}

const kindName = (location: DatabaseLocation) => (location.kind === 'postgres' ? 'PostgreSQL' : 'SQLite')

/** An error's message with the databases' passwords hidden, and a hint for the usual connection problems. */
function errorText(error: unknown, ...locations: DatabaseLocation[]): string {
  let text = error instanceof Error ? error.message : String(error)
  for (const location of locations) {
    if (location.kind !== 'postgres') continue
    text = text.replaceAll(location.url, describeLocation(location))
    try {
      const password = decodeURIComponent(new URL(location.url).password)
      if (password) text = text.replaceAll(password, '***')
    } catch {
      // an unparseable URL has no password to hide
    }
  }
  const code = (error as { code?: string } | undefined)?.code
  if (code === '3D000') text += ' — 数据库还不存在：先创建它，例如 createdb -O qundesk qundesk'
  else if (code === '28P01' || code === '28000') text += ' — 用户名或密码不对，检查 URL'
  else if (code === 'ECONNREFUSED' || code === 'ENOTFOUND') text += ' — 连不上 PostgreSQL：检查主机、端口，以及服务是否在运行'
  else if (code === 'SQLITE_CANTOPEN') text += ' — 检查文件路径和权限'
  return text
}
