import type { Db } from './create-db.js'
import type { UserRow } from './schema.js'
import type { Role } from '../core/vocabulary.js'

export async function insertUser(db: Db, user: { name: string; role: Role; passwordHash: string; createdAt: string; mustChangePassword?: boolean }): Promise<UserRow> {
  return db
    .insertInto('users')
    .values({ name: user.name, role: user.role, password_hash: user.passwordHash, created_at: user.createdAt, must_change_password: user.mustChangePassword ? 1 : 0 })
    .returningAll()
    .executeTakeFirstOrThrow()
}

export async function findUserByName(db: Db, name: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('name', '=', name).executeTakeFirst()
}

export async function findUserById(db: Db, id: number): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst()
}

export async function listUsers(db: Db): Promise<UserRow[]> {
  return db.selectFrom('users').selectAll().orderBy('id').execute()
}

export async function updateUser(db: Db, id: number, set: { role?: Role; passwordHash?: string; disabled?: boolean; mustChangePassword?: boolean }): Promise<void> {
  await db
    .updateTable('users')
    .set({
      ...(set.role ? { role: set.role } : {}),
      ...(set.passwordHash ? { password_hash: set.passwordHash } : {}),
      ...(set.disabled !== undefined ? { disabled: set.disabled ? 1 : 0 } : {}),
      ...(set.mustChangePassword !== undefined ? { must_change_password: set.mustChangePassword ? 1 : 0 } : {}),
    })
    .where('id', '=', id)
    .execute()
}

export async function countUsers(db: Db): Promise<number> {
  const row = await db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
  return Number(row.n)
}
