import fs from 'node:fs'
import path from 'node:path'

/** The database holds customer data: only the account QunDesk runs as may read it (like `members export --out`). */
export const PRIVATE_FILE_MODE = 0o600
export const PRIVATE_DIR_MODE = 0o700

/**
 * Before SQLite opens `file`: creates its folder 0700 (a folder that already exists is left as the operator set
 * it) and the file itself 0600, tightening an existing one. SQLite creates -wal, -shm and -journal with the mode
 * of the database file, so they follow; `tightenSqliteSidecars` fixes ones left by an older version.
 */
export function prepareSqliteFile(file: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: PRIVATE_DIR_MODE })
  try {
    fs.closeSync(fs.openSync(file, 'a', PRIVATE_FILE_MODE))
    fs.chmodSync(file, PRIVATE_FILE_MODE)
  } catch {
    // Not ours to fix (read-only mount, another owner): SQLite's own open reports what matters.
  }
}

/** Tightens the database's -wal and -shm (created 0644 by versions before prepareSqliteFile). */
export function tightenSqliteSidecars(file: string): void {
  for (const sidecar of [`${file}-wal`, `${file}-shm`, `${file}-journal`]) {
    try {
      fs.chmodSync(sidecar, PRIVATE_FILE_MODE)
    } catch {
      // Absent (no WAL yet) or not ours: nothing to tighten.
    }
  }
}
