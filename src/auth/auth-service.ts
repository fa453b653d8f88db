import { createHash, randomBytes } from 'node:crypto'
import type { Clock } from '../core/clock.js'
import { QunDeskError } from '../core/errors.js'
import { appendAudit } from '../storage/audit.repository.js'
import type { Db } from '../storage/create-db.js'
import { countLoginAttempt, pruneLoginAttemptWindows } from '../storage/login-attempt-window.repository.js'
import type { UserRow } from '../storage/schema.js'
import type { Role } from '../core/vocabulary.js'
import { deleteExpiredSessions, deleteOtherUserSessions, deleteSession, deleteUserSessions, extendSession, findLiveSession, insertSession } from '../storage/session.repository.js'
import { countUsers, findUserById, findUserByName, insertUser, listUsers, updateUser } from '../storage/user.repository.js'
import { createLoginThrottle } from './login-throttle.js'
import { hashPassword, verifyPassword } from './password-hash.js'
import { passwordProblem } from './password-policy.js'
import { normaliseUserName, userNameSkeleton } from './user-name.js'

export const ROLES: readonly Role[] = ['agent', 'admin']

export interface User {
  id: number
  name: string
  role: Role
  disabled: boolean
  createdAt: string
  /** Set while the password is one someone else chose (the demo's, an admin's reset): the console allows nothing else. */
  mustChangePassword: boolean
}

export interface Session {
  user: Pick<User, 'id' | 'name' | 'role' | 'mustChangePassword'>
  csrfToken: string
  /** When the session ends unless it is used (sliding). */
  expiresAt: string
  /** When the session ends however much it is used: the cookie's own expiry. */
  maxExpiresAt: string
}

export interface AuthService {
  /** `mustChangePassword` for a password the user did not choose (the demo admin's printed one). */
  addUser(input: { name: string; role: Role; password: string; actor: string; mustChangePassword?: boolean }): Promise<User>
  listUsers(): Promise<User[]>
  /** A new password set by someone other than the user (an admin's reset) must be changed at the next login. */
  updateUser(id: number, change: { role?: Role; disabled?: boolean; password?: string }, actor: string): Promise<User>
  /**
   * A signed-in user's own change: checks the current password (throttled like a login), the policy and that the new
   * one differs; clears the must-change flag and ends the user's other sessions, keeping this one.
   */
  changePassword(input: { token: string; currentPassword: string; newPassword: string; ip: string }): Promise<{ otherSessionsEnded: number }>
  hasUsers(): Promise<boolean>
  /** Checks the password (throttled per name and per IP) and opens a session; the token goes in an HTTP-only cookie. */
  login(input: { name: string; password: string; ip: string }): Promise<{ token: string; session: Session }>
  /** The session behind a cookie value, sliding its expiry; undefined when unknown or expired. */
  authenticate(token: string): Promise<Session | undefined>
  logout(token: string, actor: string): Promise<void>
  /** Whether the session is still open (not logged out, ended by a user change, or expired), without sliding it. */
  isLive(token: string): Promise<boolean>
}

// Names that actors other than console users use in the audit log.
const RESERVED_NAMES = /^(api|bot|system|cli)(:|$)/i
/** A session ends after 12 hours without a request (sliding)... */
export const SESSION_IDLE_MS = 12 * 60 * 60 * 1000
/** ...and 7 days after login, however active. */
export const SESSION_MAX_AGE_MS = 7 * 24 * 60 * 60 * 1000
/** Unauthenticated login failures are audited per source and window of this length... */
export const LOGIN_AUDIT_WINDOW_MS = 10 * 60 * 1000

/**
 * ...each of the first `first` failures of a kind one by one (a user's typos, what the throttle lets through), then
 * only the 10th, 100th, 1000th… with the count: anyone can attempt a login and the audit log is kept for ever, so a
 * spray from one address adds a few entries per window, not one per attempt.
 */
export function auditsLoginFailure(attempts: number, first: number): boolean {
  return attempts <= first || (attempts >= 10 && /^10*$/.test(String(attempts)))
}

/**
 * Users, passwords and sessions for the console. Passwords are scrypt-hashed; a session is a random token whose
 * sha256 is stored; each session carries its own CSRF token. Logins and user changes go to the audit log.
 *
 * @example
 * const auth = createAuthService({ db, clock })
 * await auth.addUser({ name: '小王', role: 'agent', password: '足够长的密码123', actor: 'cli' })
 * const { token } = await auth.login({ name: '小王', password: '足够长的密码123', ip: '127.0.0.1' })
 */
export function createAuthService(deps: { db: Db; clock: Clock; sessionTtlMs?: number; sessionMaxAgeMs?: number; maxFailures?: number }): AuthService {
  const { db, clock } = deps
  const ttl = deps.sessionTtlMs ?? SESSION_IDLE_MS
  // A stolen cookie kept busy by a script would otherwise live for ever: every session ends this long after login.
  const maxAge = deps.sessionMaxAgeMs ?? SESSION_MAX_AGE_MS
  const throttle = createLoginThrottle({ db, maxFailures: deps.maxFailures ?? 5, windowMs: 15 * 60 * 1000 })
  const hashToken = (token: string) => createHash('sha256').update(token).digest('base64url')
  // Verifying against a dummy hash for unknown names keeps the timing of "no such user" and "wrong password" alike.
  const dummyHash = hashPassword(randomBytes(16).toString('hex'))

  const toUser = (row: UserRow): User => ({ id: row.id, name: row.name, role: row.role, disabled: row.disabled === 1, createdAt: row.created_at, mustChangePassword: row.must_change_password === 1 })

  async function auditLoginFailure(action: 'login.failed' | 'login.throttled', name: string, ip: string, now: Date): Promise<void> {
    const windowStart = new Date(Math.floor(now.getTime() / LOGIN_AUDIT_WINDOW_MS) * LOGIN_AUDIT_WINDOW_MS).toISOString()
    const attempts = await countLoginAttempt(db, `${action}:ip:${ip}`, windowStart)
    if (attempts === 1) await pruneLoginAttemptWindows(db, new Date(now.getTime() - 6 * LOGIN_AUDIT_WINDOW_MS).toISOString())
    if (!auditsLoginFailure(attempts, action === 'login.failed' ? 5 : 1)) return
    const shown = Array.from(name).slice(0, 64).join('')
    await appendAudit(db, { at: now, actor: shown || '?', action, subjectType: 'user', subjectId: shown, detail: { ip, attempts, window: windowStart } })
  }

  function checkPassword(password: string): void {
    const problem = passwordProblem(password)
    if (problem) throw new QunDeskError('bad_request', problem)
  }

  /**
   * The user a login names. Names are stored normalised (NFKC, lower case) since the confusable-names change; one
   * stored before it ("Boss") is found by comparing normalised forms, preferring the exact spelling if several match.
   */
  async function findLoginUser(name: string): Promise<UserRow | undefined> {
    const wanted = normaliseUserName(name)
    const row = await findUserByName(db, wanted)
    if (row) return row
    const matches = (await listUsers(db)).filter((u) => normaliseUserName(u.name) === wanted)
    return matches.length === 1 ? matches[0] : matches.find((u) => u.name === name.trim())
  }

  return {
    async addUser({ name, role, password, actor, mustChangePassword = false }) {
      // Stored normalised, so "Boss", "boss" and "ｂｏｓｓ" are one name (see user-name.ts).
      const clean = normaliseUserName(name)
      if (!/^[\p{L}\p{N}_.-]{1,32}$/u.test(clean) || RESERVED_NAMES.test(clean)) {
        throw new QunDeskError('bad_request', `用户名“${clean}”不可用：1-32 个字母、数字、汉字或 _ . -，且不能是 api/bot/system/cli`)
      }
      if (!ROLES.includes(role)) throw new QunDeskError('bad_request', `角色必须是 ${ROLES.join(' 或 ')}`)
      checkPassword(password)
      // Compared with every user, names stored before normalisation included: the table is small.
      const skeleton = userNameSkeleton(clean)
      const lookalike = (await listUsers(db)).find((u) => userNameSkeleton(u.name) === skeleton)
      if (lookalike && normaliseUserName(lookalike.name) === clean) throw new QunDeskError('conflict', `用户“${clean}”已存在`)
      if (lookalike) throw new QunDeskError('conflict', `用户名“${clean}”与已有用户“${lookalike.name}”看起来一样（大小写、全角或形近的西里尔/希腊字母），请换一个`)
      const row = await insertUser(db, { name: clean, role, passwordHash: await hashPassword(password), createdAt: clock().toISOString(), mustChangePassword })
      await appendAudit(db, { at: clock(), actor, action: 'user.added', subjectType: 'user', subjectId: clean, detail: { role, ...(mustChangePassword ? { mustChangePassword } : {}) } })
      return toUser(row)
    },
    listUsers: async () => (await listUsers(db)).map(toUser),
    async updateUser(id, change, actor) {
      const row = await findUserById(db, id)
      if (!row) throw new QunDeskError('not_found', `用户 #${id} 不存在`)
      if (change.role && !ROLES.includes(change.role)) throw new QunDeskError('bad_request', `角色必须是 ${ROLES.join(' 或 ')}`)
      if (change.password !== undefined) checkPassword(change.password)
      const demotesAdmin = row.role === 'admin' && (change.role === 'agent' || change.disabled === true)
      if (demotesAdmin) {
        const admins = (await listUsers(db)).filter((u) => u.role === 'admin' && u.disabled === 0)
        if (admins.length <= 1) throw new QunDeskError('conflict', '至少要保留一个可用的管理员')
      }
      // A password an admin set for someone else is known to two people: its owner must replace it at the next login.
      const mustChangePassword = row.name !== actor
      await updateUser(db, id, {
        ...(change.role ? { role: change.role } : {}),
        ...(change.disabled !== undefined ? { disabled: change.disabled } : {}),
        ...(change.password !== undefined ? { passwordHash: await hashPassword(change.password), mustChangePassword } : {}),
      })
      // A role change, a disable or a new password ends the user's open sessions.
      await deleteUserSessions(db, id)
      const detail = {
        ...(change.role ? { role: change.role } : {}),
        ...(change.disabled !== undefined ? { disabled: change.disabled } : {}),
        ...(change.password !== undefined ? { password: 'changed', mustChangePassword } : {}),
      }
      await appendAudit(db, { at: clock(), actor, action: 'user.updated', subjectType: 'user', subjectId: row.name, detail })
      return toUser((await findUserById(db, id))!)
    },
    hasUsers: async () => (await countUsers(db)) > 0,
    async login({ name, password, ip }) {
      const now = clock()
      const keys = [`user:${normaliseUserName(name)}`, `ip:${ip}`]
      // Reserved before the (slow) password check, so concurrent guesses count while in flight.
      const gate = await throttle.begin(keys, now.getTime())
      if (!gate.allowed) {
        await auditLoginFailure('login.throttled', name, ip, now)
        throw new QunDeskError('too_many_requests', `登录失败次数过多，请 ${Math.ceil(gate.retryAfterSeconds / 60)} 分钟后再试`, { retryAfterSeconds: gate.retryAfterSeconds })
      }
      const row = await findLoginUser(name)
      const ok = row && row.disabled === 0 ? await verifyPassword(password, row.password_hash) : (await verifyPassword(password, await dummyHash), false)
      if (!ok || !row) {
        await auditLoginFailure('login.failed', name, ip, now)
        throw new QunDeskError('unauthorized', '用户名或密码不正确')
      }
      await throttle.succeeded([keys[0]!], gate)
      const token = randomBytes(32).toString('base64url')
      const csrfToken = randomBytes(24).toString('base64url')
      const maxExpiresAt = new Date(now.getTime() + maxAge).toISOString()
      const expiresAt = new Date(now.getTime() + Math.min(ttl, maxAge)).toISOString()
      await deleteExpiredSessions(db, now.toISOString())
      await insertSession(db, { idHash: hashToken(token), userId: row.id, csrfToken, createdAt: now.toISOString(), expiresAt })
      await appendAudit(db, { at: now, actor: row.name, action: 'login', subjectType: 'user', subjectId: row.name, detail: { ip } })
      return { token, session: { user: { id: row.id, name: row.name, role: row.role, mustChangePassword: row.must_change_password === 1 }, csrfToken, expiresAt, maxExpiresAt } }
    },
    async authenticate(token) {
      if (!token || token.length > 128) return undefined
      const now = clock()
      const found = await findLiveSession(db, hashToken(token), now.toISOString())
      if (!found) return undefined
      const end = Date.parse(found.createdAt) + maxAge
      if (!(now.getTime() < end)) {
        await deleteSession(db, found.idHash)
        return undefined
      }
      // Sliding expiry, never past the absolute end, written at most every few minutes rather than on every request.
      const expiresAt = new Date(Math.min(now.getTime() + ttl, end))
      if (expiresAt.getTime() - Date.parse(found.expiresAt) > 5 * 60 * 1000) await extendSession(db, found.idHash, expiresAt.toISOString())
      return { user: { id: found.userId, name: found.userName, role: found.role, mustChangePassword: found.mustChangePassword }, csrfToken: found.csrfToken, expiresAt: found.expiresAt, maxExpiresAt: new Date(end).toISOString() }
    },
    async changePassword({ token, currentPassword, newPassword, ip }) {
      const now = clock()
      const session = token && token.length <= 128 ? await findLiveSession(db, hashToken(token), now.toISOString()) : undefined
      if (!session) throw new QunDeskError('unauthorized', '登录已过期，请重新登录')
      // Checked before the current password, so a typo in the new one costs no throttled attempt.
      checkPassword(newPassword)
      if (newPassword === currentPassword) throw new QunDeskError('bad_request', '新密码不能与当前密码相同')
      // The same keys as a login: a stolen session guessing the current password shares the user's login budget.
      const keys = [`user:${normaliseUserName(session.userName)}`, `ip:${ip}`]
      const gate = await throttle.begin(keys, now.getTime())
      if (!gate.allowed) throw new QunDeskError('too_many_requests', `当前密码错误次数过多，请 ${Math.ceil(gate.retryAfterSeconds / 60)} 分钟后再试`, { retryAfterSeconds: gate.retryAfterSeconds })
      const row = await findUserById(db, session.userId)
      if (!row || !(await verifyPassword(currentPassword, row.password_hash))) {
        // Bounded by the throttle (a few per window), so each one is audited.
        await appendAudit(db, { at: now, actor: session.userName, action: 'password.change_failed', subjectType: 'user', subjectId: session.userName, detail: { ip } })
        throw new QunDeskError('bad_request', '当前密码不正确')
      }
      await throttle.succeeded([keys[0]!], gate)
      await updateUser(db, row.id, { passwordHash: await hashPassword(newPassword), mustChangePassword: false })
      // Whoever else held a session (the one the one-time password opened, a stolen cookie) is out; this tab stays.
      const otherSessionsEnded = await deleteOtherUserSessions(db, row.id, session.idHash)
      await appendAudit(db, { at: clock(), actor: row.name, action: 'password.changed', subjectType: 'user', subjectId: row.name, detail: { ip, otherSessionsEnded, ...(row.must_change_password === 1 ? { wasRequired: true } : {}) } })
      return { otherSessionsEnded }
    },
    async isLive(token) {
      if (!token || token.length > 128) return false
      const now = clock()
      const found = await findLiveSession(db, hashToken(token), now.toISOString())
      return found !== undefined && now.getTime() < Date.parse(found.createdAt) + maxAge
    },
    async logout(token, actor) {
      await deleteSession(db, hashToken(token))
      await appendAudit(db, { at: clock(), actor, action: 'logout', subjectType: 'user', subjectId: actor })
    },
  }
}
