import fs from 'node:fs'
import path from 'node:path'
import { QunDeskError } from '../core/errors.js'
import type { Logger } from '../core/logger.js'
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from './sqlite-files.js'

/**
 * Where QunDesk remembers that a SQLite database existed: a file next to it (catches deleting only the .sqlite) and
 * an entry in the state folder, outside the data folder (catches deleting the whole folder). Without them a missing
 * file was silently created afresh at the next start, and every suggestion and user was gone without a word.
 */
export interface DatabaseMarkers {
  /** The SQLite file, absolute. */
  file: string
  /** QUNDESK_STATE_DIR. */
  stateDir: string
}

/** What the markers remember about one database file: since when one has been in use at that path. */
export interface RememberedDatabase {
  since: string
  /** The marker that remembered it (named in the refusal, so the operator knows what to delete if they must). */
  marker: string
}

export type DatabaseOpening =
  | { kind: 'open' }
  | { kind: 'create' }
  | { kind: 'refuse'; remembered: RememberedDatabase }

/**
 * Whether a SQLite file may be opened, or created: a missing file that a marker remembers is refused unless the
 * operator said `--new-database`. A file that is there is opened whatever the markers say (a restored backup is a
 * different file, and welcome).
 *
 * @example
 * decideDatabaseOpening({ exists: false, remembered: { since: '2026-01-02T03:04:05Z', marker: '…' }, newDatabase: false }) // { kind: 'refuse', … }
 * decideDatabaseOpening({ exists: false, remembered: undefined, newDatabase: false })                                     // { kind: 'create' }
 */
export function decideDatabaseOpening(input: { exists: boolean; remembered: RememberedDatabase | undefined; newDatabase: boolean }): DatabaseOpening {
  if (input.exists) return { kind: 'open' }
  if (input.remembered && !input.newDatabase) return { kind: 'refuse', remembered: input.remembered }
  return { kind: 'create' }
}

/**
 * Before anything opens (and so creates) the SQLite file: throws the refusal when it is missing where a marker
 * remembers one; returns true when opening will create it (record it with `fresh` then).
 */
export function checkDatabaseOpening(markers: DatabaseMarkers & { newDatabase: boolean }): boolean {
  const opening = decideDatabaseOpening({ exists: fs.existsSync(markers.file), remembered: readRememberedDatabase(markers), newDatabase: markers.newDatabase })
  if (opening.kind === 'refuse') throw new QunDeskError('config_invalid', missingDatabaseMessage(markers.file, opening.remembered), { file: markers.file })
  return opening.kind === 'create'
}

/** The marker next to the database, inside the data folder. */
export function folderMarkerFile(file: string): string {
  return `${file}.marker`
}

/** The state folder's record of every database created on this machine, keyed by absolute path. */
export function stateMarkerFile(stateDir: string): string {
  return path.join(stateDir, 'databases.json')
}

/** Reads both markers; the older `since` wins (the state folder outlives a re-created data folder). */
export function readRememberedDatabase(markers: DatabaseMarkers): RememberedDatabase | undefined {
  const folderFile = folderMarkerFile(markers.file)
  const folder = readJson(folderFile) as { since?: unknown } | undefined
  const stateFile = stateMarkerFile(markers.stateDir)
  const state = readStateRecords(stateFile)[markers.file]
  const found = [
    ...(typeof state?.since === 'string' ? [{ since: state.since, marker: stateFile }] : []),
    ...(typeof folder?.since === 'string' ? [{ since: folder.since, marker: folderFile }] : []),
  ]
  return found.sort((a, b) => a.since.localeCompare(b.since))[0]
}

/**
 * Records the database in both markers: `fresh` (just created) starts a new `since`; otherwise an existing record
 * is kept and a missing one added (installs from before the markers, or a marker deleted by hand). A marker that
 * cannot be written is a warning, not a refusal to start: the database itself is fine.
 */
export function recordDatabase(markers: DatabaseMarkers, fresh: boolean, now: string, logger?: Pick<Logger, 'warn'>): void {
  const folderFile = folderMarkerFile(markers.file)
  const folder = readJson(folderFile) as { since?: unknown } | undefined
  const since = !fresh && typeof folder?.since === 'string' ? folder.since : now
  try {
    if (fresh || folder?.since !== since) writePrivateJson(folderFile, { file: markers.file, since })
  } catch (error) {
    logger?.warn({ err: error, marker: folderFile }, 'could not write the database marker next to the database')
  }
  const stateFile = stateMarkerFile(markers.stateDir)
  try {
    const records = readStateRecords(stateFile)
    const known = records[markers.file]
    if (!fresh && typeof known?.since === 'string') return
    fs.mkdirSync(markers.stateDir, { recursive: true, mode: PRIVATE_DIR_MODE })
    writePrivateJson(stateFile, { databases: { ...records, [markers.file]: { since } } })
  } catch (error) {
    if (error instanceof QunDeskError) throw error
    logger?.warn({ err: error, marker: stateFile }, 'could not record the database in QUNDESK_STATE_DIR: deleting the whole data folder would go unnoticed at the next start — make the folder writable or set QUNDESK_STATE_DIR')
  }
}

/** The refusal to create a database where one existed: what happened, the restore steps of README「备份与恢复」, the way out. */
export function missingDatabaseMessage(file: string, remembered: RememberedDatabase): string {
  return [
    `数据库文件不存在，QunDesk 拒绝新建空数据库 / The database file is missing, QunDesk refuses to create an empty one: ${file}`,
    `此处自 ${remembered.since} 起有过 QunDesk 数据库（记录于 ${remembered.marker}）/ A QunDesk database has been here since ${remembered.since} (recorded in ${remembered.marker}).`,
    '如果数据目录或文件被误删，请从备份恢复 / If it was deleted by mistake, restore from a backup (README「备份与恢复」):',
    `  1. 把备份复制为 ${file}（先建好文件夹 ${path.dirname(file)}）/ copy the backup to ${file} (create ${path.dirname(file)} first);`,
    `  2. 删除旁边的 ${file}-wal 和 ${file}-shm（如果存在）/ delete ${file}-wal and ${file}-shm if present;`,
    '  3. 启动 QunDesk，并运行 npx qundesk audit verify 检查 / start QunDesk and check with npx qundesk audit verify.',
    '如确实要从空数据库重新开始（以前的建议、用户和记录都不会回来）/ To start empty on purpose (nothing of the old database comes back):',
    '  npx qundesk start --new-database   （或 / or: npm start -- --new-database）',
  ].join('\n')
}

type StateRecords = Record<string, { since?: unknown } | undefined>

function readStateRecords(stateFile: string): StateRecords {
  const state = readJson(stateFile) as { databases?: unknown } | undefined
  if (state === undefined) return {}
  if (typeof state !== 'object' || state === null || typeof state.databases !== 'object' || state.databases === null) {
    throw new QunDeskError('config_invalid', `${stateFile}: not a QunDesk database record (expected {"databases": {...}}) — restore it, or delete it to forget every database recorded there`)
  }
  return state.databases as StateRecords
}

/** undefined when absent; a file that is there but unreadable or not JSON is the operator's to fix, so it stops the start. */
function readJson(file: string): unknown {
  let text: string
  try {
    text = fs.readFileSync(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined
    throw new QunDeskError('config_invalid', `Cannot read ${file}: ${(error as Error).message} — make it readable by the account QunDesk runs as, or set QUNDESK_STATE_DIR`, {}, { cause: error })
  }
  try {
    return JSON.parse(text) as unknown
  } catch {
    throw new QunDeskError('config_invalid', `${file} is not valid JSON — restore it, or delete it to forget the database it records`)
  }
}

/** Written whole or not at all (a crash mid-write must not leave a marker that stops every later start). */
function writePrivateJson(file: string, value: unknown): void {
  const temporary = `${file}.${process.pid}.tmp`
  fs.writeFileSync(temporary, `${JSON.stringify(value, null, 2)}\n`, { mode: PRIVATE_FILE_MODE })
  fs.renameSync(temporary, file)
}
