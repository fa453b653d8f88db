import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { QunDeskError } from '../../../src/core/errors.js'
import {
  decideDatabaseOpening, folderMarkerFile, missingDatabaseMessage, readRememberedDatabase, recordDatabase, stateMarkerFile,
} from '../../../src/storage/database-marker.js'

const remembered = { since: '2026-01-02T03:04:05.000Z', marker: '/state/databases.json' }

function markers() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qundesk-marker-'))
  return { dir, file: path.join(dir, 'data', 'qundesk.sqlite'), stateDir: path.join(dir, 'state') }
}

describe('decideDatabaseOpening', () => {
  it('opens a file that is there, whatever the markers say (a restored backup is welcome)', () => {
    expect(decideDatabaseOpening({ exists: true, remembered, newDatabase: false })).toEqual({ kind: 'open' })
    expect(decideDatabaseOpening({ exists: true, remembered: undefined, newDatabase: true })).toEqual({ kind: 'open' })
  })

  it('creates a file no marker remembers: the first start on a clean machine', () => {
    expect(decideDatabaseOpening({ exists: false, remembered: undefined, newDatabase: false })).toEqual({ kind: 'create' })
  })

  it('refuses a missing file a marker remembers, unless told --new-database', () => {
    expect(decideDatabaseOpening({ exists: false, remembered, newDatabase: false })).toEqual({ kind: 'refuse', remembered })
    expect(decideDatabaseOpening({ exists: false, remembered, newDatabase: true })).toEqual({ kind: 'create' })
  })
})

describe('database markers', () => {
  it('remember nothing on a clean machine, and the database once recorded, in both places', () => {
    const m = markers()
    expect(readRememberedDatabase(m)).toBeUndefined()
    fs.mkdirSync(path.dirname(m.file))
    recordDatabase(m, true, '2026-05-01T00:00:00.000Z')
    expect(readRememberedDatabase(m)).toEqual({ since: '2026-05-01T00:00:00.000Z', marker: stateMarkerFile(m.stateDir) })
    fs.rmSync(m.stateDir, { recursive: true })
    expect(readRememberedDatabase(m)).toEqual({ since: '2026-05-01T00:00:00.000Z', marker: folderMarkerFile(m.file) })
  })

  it('keep the first date on later opens and fill in a marker that went missing; a fresh database starts a new date', () => {
    const m = markers()
    fs.mkdirSync(path.dirname(m.file))
    recordDatabase(m, true, '2026-05-01T00:00:00.000Z')
    fs.rmSync(m.stateDir, { recursive: true })
    recordDatabase(m, false, '2026-06-01T00:00:00.000Z')
    expect(readRememberedDatabase(m)?.since).toBe('2026-05-01T00:00:00.000Z')
    expect(JSON.parse(fs.readFileSync(stateMarkerFile(m.stateDir), 'utf8'))).toEqual({ databases: { [m.file]: { since: '2026-05-01T00:00:00.000Z' } } })
    recordDatabase(m, true, '2026-07-01T00:00:00.000Z')
    expect(readRememberedDatabase(m)?.since).toBe('2026-07-01T00:00:00.000Z')
  })

  it('keep the other databases recorded in the state folder', () => {
    const m = markers()
    const other = { ...m, file: path.join(m.dir, 'other', 'qundesk.sqlite') }
    for (const f of [m.file, other.file]) fs.mkdirSync(path.dirname(f))
    recordDatabase(m, true, '2026-05-01T00:00:00.000Z')
    recordDatabase(other, true, '2026-05-02T00:00:00.000Z')
    expect(Object.keys(JSON.parse(fs.readFileSync(stateMarkerFile(m.stateDir), 'utf8')).databases)).toEqual([m.file, other.file])
  })

  it('stop the start on a state file that is not JSON, naming it and the fix', () => {
    const m = markers()
    fs.mkdirSync(m.stateDir)
    fs.writeFileSync(stateMarkerFile(m.stateDir), '{"databases": {')
    const refused = (() => { try { readRememberedDatabase(m); return undefined } catch (error) { return error } })()
    expect(refused).toBeInstanceOf(QunDeskError)
    expect((refused as QunDeskError).message).toBe(`${stateMarkerFile(m.stateDir)} is not valid JSON — restore it, or delete it to forget the database it records`)
  })

  it('warn, not fail, when the state folder cannot be written (the marker next to the database still counts)', () => {
    const m = markers()
    fs.mkdirSync(path.dirname(m.file))
    fs.writeFileSync(m.stateDir, 'a file where the folder should be')
    const warnings: string[] = []
    recordDatabase(m, true, '2026-05-01T00:00:00.000Z', { warn: (_: unknown, message?: string) => { warnings.push(message ?? '') } } as never)
    expect(warnings).toEqual([expect.stringContaining('QUNDESK_STATE_DIR')])
    expect(readRememberedDatabase(m)).toEqual({ since: '2026-05-01T00:00:00.000Z', marker: folderMarkerFile(m.file) })
  })
})

describe('missingDatabaseMessage', () => {
  it('names the file, when it was there, the restore steps and the way to start empty', () => {
    const message = missingDatabaseMessage('/srv/qundesk/data/qundesk.sqlite', remembered)
    expect(message).toContain('/srv/qundesk/data/qundesk.sqlite')
    expect(message).toContain(`此处自 ${remembered.since} 起有过 QunDesk 数据库（记录于 ${remembered.marker}）`)
    expect(message).toMatch(/备份与恢复[\s\S]*qundesk\.sqlite-wal[\s\S]*audit verify[\s\S]*npx qundesk start --new-database[\s\S]*npm start -- --new-database/)
  })
})
