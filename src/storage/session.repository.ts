import type { Db } from './create-db.js'
import type { Role } from '../core/vocabulary.js'

export interface SessionWithUser {
  idHash: string
  csrfToken: string
  expiresAt: string
  createdAt: string
  userId: number
  userName: string
  role: Role
  /** The user must choose a new password before using anything else (see migration 017). */
  mustChangePassword: boolean
}

export async function insertSession(db: Db, s: { idHash: string; userId: number; csrfToken: string; createdAt: string; expiresAt: string }): Promise<void> {
  await db.insertInto('sessions').values({ id_hash: s.idHash, user_id: s.userId, csrf_token: s.csrfToken, created_at: s.createdAt, expires_at: s.expiresAt }).execute()
}

/** The live session for a cookie hash, with its user; undefined when unknown, expired or the user is disabled. */
export async function findLiveSession(db: Db, idHash: string, now: string): Promise<SessionWithUser | undefined> {
  const row = await db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select(['sessions.id_hash', 'sessions.csrf_token', 'sessions.expires_at', 'sessions.created_at', 'users.id as user_id', 'users.name', 'users.role', 'users.must_change_password'])
    .where('sessions.id_hash', '=', idHash)
    .where('sessions.expires_at', '>', now)
    .where('users.disabled', '=', 0)
    .executeTakeFirst()
  return row && { idHash: row.id_hash, csrfToken: row.csrf_token, expiresAt: row.expires_at, createdAt: row.created_at, userId: row.user_id, userName: row.name, role: row.role, mustChangePassword: row.must_change_password === 1 }
}

export async function extendSession(db: Db, idHash: string, expiresAt: string): Promise<void> {
  await db.updateTable('sessions').set({ expires_at: expiresAt }).where('id_hash', '=', idHash).execute()
}

export async function deleteSession(db: Db, idHash: string): Promise<void> {
  await db.deleteFrom('sessions').where('id_hash', '=', idHash).execute()
}

export async function deleteUserSessions(db: Db, userId: number): Promise<void> {
  await db.deleteFrom('sessions').where('user_id', '=', userId).execute()
}

/** Ends every session of a user but one (the one that just changed the password); returns how many ended. */
export async function deleteOtherUserSessions(db: Db, userId: number, keepIdHash: string): Promise<number> {
  const result = await db.deleteFrom('sessions').where('user_id', '=', userId).where('id_hash', '!=', keepIdHash).executeTakeFirst()
  return Number(result.numDeletedRows)
}

export async function deleteExpiredSessions(db: Db, now: string): Promise<void> {
  await db.deleteFrom('sessions').where('expires_at', '<=', now).execute()
}
