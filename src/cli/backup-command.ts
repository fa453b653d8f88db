import fs from 'node:fs'
import path from 'node:path'
import SQLite from 'better-sqlite3'
import { Kysely, SqliteDialect } from 'kysely'
import { verifyChain } from '../storage/audit-chain.js'
import { loadConfig, type Config } from '../config/load-config.js'
import { createContentCipher, SEALED_PREFIX } from '../storage/content-cipher.js'
import { ContentSealingPlugin } from '../storage/content-sealing-plugin.js'
import { iterateAudit } from '../storage/audit.repository.js'
import type { Database } from '../storage/schema.js'
import { PRIVATE_FILE_MODE } from '../storage/sqlite-files.js'
import { UsageError, type CliIo } from './cli-io.js'

/** Pages per backup step: all of them, so the copy is one read transaction (see backupCommand). */
const ALL_PAGES = 0x7fffffff

export interface BackupCheck {
  ok: boolean
  problems: string[]
  auditEntries: number
  /** Rows per table, by table name. */
  rows: Record<string, number>
}

/**
 * `qundesk backup FILE [--force]`: a consistent copy of the database while QunDesk keeps running. SQLite's online
 * backup API copies a snapshot (WAL mode: QunDesk's writes go on meanwhile) to FILE.partial, which is checked
 * (integrity_check, the audit hash chain) and only then renamed to FILE. An existing FILE is kept unless --force.
 *
 * @example
 * await backupCommand('/backups/qundesk-2025-03-01.sqlite', { force: false }, io) // 0, with rows per table
 */
export async function backupCommand(file: string | undefined, flags: { force: boolean }, io: CliIo): Promise<number> {
  if (!file) throw new UsageError('backup needs a file, e.g. qundesk backup /backups/qundesk-2025-03-01.sqlite')
  const config = loadConfig(io.env, io.cwd)
  if (config.databaseUrl) {
    // PostgreSQL has its own consistent online backup; a second, home-made one would only be worse.
    return (io.stderr('QUNDESK_DATABASE_URL 指向 PostgreSQL：请用 pg_dump 备份（例如 pg_dump -Fc -f qundesk.dump "$QUNDESK_DATABASE_URL"），用 pg_restore 恢复；qundesk backup 只用于 SQLite'), 1)
  }
  const source = config.databaseFile
  const target = path.resolve(io.cwd, file)
  const partial = `${target}.partial`
  const fail = (message: string) => (io.stderr(message), 1)

  if (!fs.existsSync(source)) return fail(`没有可备份的数据库：${source} 不存在 — 检查 QUNDESK_DATA_DIR`)
  if (isSameFile(source, target) || [`${source}-wal`, `${source}-shm`, `${source}-journal`].includes(target)) {
    return fail(`不能备份到数据库文件自身（${source}）：请换一个文件名`)
  }
  if (fs.existsSync(target) && fs.statSync(target).isDirectory()) return fail(`${file} 是一个目录：请给出文件名，例如 ${path.join(file, 'qundesk.sqlite')}`)
  if (fs.existsSync(target) && !flags.force) return fail(`${file} 已存在，未覆盖：换一个文件名，或加 --force 覆盖它`)
  if (!fs.existsSync(path.dirname(target))) return fail(`目录 ${path.dirname(target)} 不存在：请先创建它`)

  fs.rmSync(partial, { force: true })
  // An empty file is an empty database to SQLite: created 0600 here, the copy (and its journal) stays private.
  fs.writeFileSync(partial, '', { mode: PRIVATE_FILE_MODE })
  let sqlite: SQLite.Database | undefined
  try {
    // Read-only: a backup must never change the live database. One step copies every page inside one read
    // transaction: a consistent snapshot, and QunDesk's writes (WAL) are not blocked. In smaller steps, every
    // write by QunDesk in between would restart the copy, possibly for ever on a busy day.
    sqlite = new SQLite(source, { readonly: true, fileMustExist: true })
    sqlite.pragma('busy_timeout = 5000')
    await sqlite.backup(partial, { progress: () => ALL_PAGES })
  } catch (error) {
    fs.rmSync(partial, { force: true })
    return fail(`备份失败，没有写入 ${file}：${(error as Error).message}`)
  } finally {
    sqlite?.close()
  }

  let check: BackupCheck
  try {
    check = await checkBackup(partial, config.contentKeys)
  } catch (error) {
    check = { ok: false, problems: [`无法打开备份：${(error as Error).message}`], auditEntries: 0, rows: {} }
  }
  if (!check.ok) {
    return fail([`备份未通过校验，没有写入 ${file}：`, ...check.problems.map((p) => `  - ${p}`), `未通过校验的副本留在 ${partial}，可用于排查`].join('\n'))
  }
  fs.renameSync(partial, target)
  syncDirectory(path.dirname(target))

  const width = Math.max(...Object.keys(check.rows).map((name) => name.length))
  io.stdout(`已备份 ${source} → ${target}（${formatBytes(fs.statSync(target).size)}）`)
  io.stdout(`校验通过：integrity_check ok；审计日志 ${check.auditEntries} 条，哈希链完整`)
  io.stdout('各表行数：')
  for (const [name, count] of Object.entries(check.rows)) io.stdout(`  ${name.padEnd(width)}  ${count.toLocaleString('en-US').padStart(9)}`)
  io.stdout('恢复方法见 README「备份与恢复」：停止 QunDesk，复制为 QUNDESK_DATA_DIR/qundesk.sqlite，删除旁边的 -wal 和 -shm 文件')
  return 0
}

/**
 * Opens a backup and checks it: SQLite's integrity_check and the audit log's hash chain; counts the rows of every
 * table. Also turns the copy into a single self-contained file (rollback journal instead of WAL), so restoring it
 * is copying one file.
 */
export async function checkBackup(file: string, contentKeys?: Config['contentKeys']): Promise<BackupCheck> {
  const sqlite = new SQLite(file, { fileMustExist: true })
  const plain = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) })
  // Audit details may be sealed (QUNDESK_CONTENT_KEYS); the chain hashes the plain text, so it is checked opened.
  const db = contentKeys ? plain.withPlugin(new ContentSealingPlugin(createContentCipher(contentKeys.active, contentKeys.keys))) : plain
  try {
    sqlite.pragma('journal_mode = DELETE')
    const problems: string[] = []
    const integrity = (sqlite.pragma('integrity_check') as Array<{ integrity_check: string }>).map((r) => r.integrity_check)
    if (integrity.join() !== 'ok') problems.push(`integrity_check: ${integrity.slice(0, 10).join('; ')}`)
    const tables = (sqlite.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'kysely_%' ORDER BY name`).all() as Array<{ name: string }>).map((r) => r.name)
    const rows: Record<string, number> = {}
    for (const name of tables) rows[name] = (sqlite.prepare(`SELECT count(*) AS n FROM "${name.replaceAll('"', '""')}"`).get() as { n: number }).n
    let auditEntries = 0
    if (!tables.includes('audit_log')) problems.push('没有 audit_log 表：这不是 QunDesk 的数据库，或数据库尚未初始化')
    else if (!contentKeys && sqlite.prepare(`SELECT 1 FROM audit_log WHERE detail LIKE '${SEALED_PREFIX}%' LIMIT 1`).get()) {
      problems.push('审计日志的内容已加密：设置 QUNDESK_CONTENT_KEYS 后才能校验哈希链')
    } else {
      const chain = await verifyChain(iterateAudit(db))
      auditEntries = chain.entries
      if (!chain.ok) problems.push(`审计日志哈希链在第 ${chain.brokenAt} 条记录处断开（${chain.reason}）— 数据库里的审计日志被改动过，可用 qundesk audit verify 查看`)
    }
    return { ok: problems.length === 0, problems, auditEntries, rows }
  } finally {
    await db.destroy()
  }
}

function isSameFile(a: string, b: string): boolean {
  if (path.resolve(a) === path.resolve(b)) return true
  try {
    const [sa, sb] = [fs.statSync(a), fs.statSync(b)]
    return sa.dev === sb.dev && sa.ino === sb.ino
  } catch {
    return false
  }
}

/** The rename is durable only once the directory entry is on disk too. */
function syncDirectory(dir: string): void {
  try {
    const fd = fs.openSync(dir, 'r')
    try {
      fs.fsyncSync(fd)
    } finally {
      fs.closeSync(fd)
    }
  } catch {
    // Not every platform can fsync a directory (Windows); the file itself is already synced by SQLite.
  }
}

function formatBytes(bytes: number): string {
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`
}
