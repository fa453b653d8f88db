import { sql, type Kysely } from 'kysely'
import { isPostgres } from './dialect.js'

/** At most this many problems are listed: one is enough to act on, the first few help to judge the damage. */
const MAX_PROBLEMS = 5

export interface DatabaseCheck {
  ok: boolean
  /** What SQLite's quick_check found, first ones only; empty when ok. */
  problems: string[]
}

/**
 * SQLite's `PRAGMA quick_check`: every page of the file is read and its b-tree structure checked (not the indexes
 * against the rows: that is integrity_check, too slow to run at start). Damage in the middle of the file otherwise
 * shows only as errors on whichever page touches it. PostgreSQL checks its own pages (checksums): always ok here.
 */
export async function checkDatabase(db: Kysely<any>): Promise<DatabaseCheck> {
  if (isPostgres(db)) return { ok: true, problems: [] }
  try {
    const { rows } = await sql<{ quick_check: string }>`PRAGMA quick_check(${sql.raw(String(MAX_PROBLEMS))})`.execute(db)
    const problems = rows.map((r) => r.quick_check).filter((line) => line !== 'ok')
    return { ok: problems.length === 0, problems }
  } catch (error) {
    // A header damaged badly enough makes the check itself fail ("database disk image is malformed").
    return { ok: false, problems: [(error as Error).message] }
  }
}

/** The check for /api/health, run at most once per `intervalMs` (it reads the whole file). */
export function cachedDatabaseCheck(db: Kysely<any>, intervalMs = 5 * 60_000, now: () => number = Date.now): () => Promise<DatabaseCheck> {
  let last: { at: number; result: Promise<DatabaseCheck> } | undefined
  return () => {
    if (!last || now() - last.at >= intervalMs) last = { at: now(), result: checkDatabase(db) }
    return last.result
  }
}

/** The refusal to start on a damaged SQLite file: what happened, and the restore steps of README「备份与恢复」. */
export function damagedDatabaseMessage(file: string, problems: readonly string[]): string {
  return [
    `数据库文件已损坏，QunDesk 拒绝启动 / The database file is damaged, QunDesk refuses to start: ${file}`,
    `PRAGMA quick_check: ${problems.join('; ')}`,
    '从备份恢复 / Restore from a backup (README「备份与恢复」):',
    '  1. 停止 QunDesk / stop QunDesk;',
    `  2. 把损坏的文件移到一旁，把备份复制为 ${file} / move the damaged file aside and copy the backup to ${file};`,
    `  3. 删除旁边的 ${file}-wal 和 ${file}-shm（如果存在）/ delete ${file}-wal and ${file}-shm if present;`,
    '  4. 启动 QunDesk，并运行 npx qundesk audit verify 检查 / start QunDesk and check with npx qundesk audit verify.',
  ].join('\n')
}
