import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createAuthService, type AuthService } from '../../../src/auth/auth-service.js'
import { normaliseUserName, userNameSkeleton } from '../../../src/auth/user-name.js'
import { type Db } from '../../../src/storage/create-db.js'
import { createTestDb } from '../../support/test-database.js'

const PASSWORD = '坐席密码-0123456789'

describe('user name normalisation', () => {
  it('reads case and fullwidth forms as one name, and Cyrillic or Greek look-alikes as the same skeleton', () => {
    expect(normaliseUserName(' Boss ')).toBe('boss')
    expect(normaliseUserName('ｂｏｓｓ')).toBe('boss')
    expect(normaliseUserName('bоss')).not.toBe('boss') // Cyrillic о: another name...
    expect(userNameSkeleton('bоss')).toBe('boss') // ...that looks the same
    expect(userNameSkeleton('ΑDΜΙΝ')).toBe('admin') // Greek capitals
    expect(userNameSkeleton('小王')).toBe('小王')
  })
})

describe('console user names and passwords', () => {
  let db: Db
  let auth: AuthService
  beforeEach(async () => {
    db = await createTestDb()
    auth = createAuthService({ db, clock: () => new Date('2025-03-01T08:00:00Z') })
    await auth.addUser({ name: 'boss', role: 'admin', password: PASSWORD, actor: 'test' })
  })
  afterEach(async () => db.destroy())

  it.each([
    ['another case', 'Boss', '已存在'],
    ['fullwidth letters', 'ｂｏｓｓ', '已存在'],
    ['a Cyrillic о', 'bоss', '看起来一样'],
    ['a Cyrillic о in capitals', 'BОSS', '看起来一样'],
    ['Greek letters', 'bοss', '看起来一样'],
  ])('refuses a name that only differs by %s', async (_case, name, message) => {
    await expect(auth.addUser({ name, role: 'agent', password: PASSWORD, actor: 'test' })).rejects.toThrow(message)
    expect((await auth.listUsers()).map((u) => u.name)).toEqual(['boss'])
  })

  it('stores a new name normalised and lets its owner log in however they type it', async () => {
    const user = await auth.addUser({ name: 'XiaoWang', role: 'agent', password: PASSWORD, actor: 'test' })
    expect(user.name).toBe('xiaowang')
    for (const name of ['XiaoWang', 'xiaowang', 'ＸＩＡＯＷＡＮＧ']) {
      expect((await auth.login({ name, password: PASSWORD, ip: '10.0.0.1' })).session.user.name).toBe('xiaowang')
    }
  })

  it('still logs in a user whose name was stored before names were normalised', async () => {
    // As written by an older version: mixed case, not normalised.
    await db.updateTable('users').set({ name: 'Boss' }).where('name', '=', 'boss').execute()
    for (const name of ['Boss', 'boss', 'BOSS']) {
      expect((await auth.login({ name, password: PASSWORD, ip: '10.0.0.1' })).session.user.name).toBe('Boss')
    }
    await expect(auth.addUser({ name: 'boss', role: 'agent', password: PASSWORD, actor: 'test' })).rejects.toThrow('已存在')
    await expect(auth.addUser({ name: 'bоss', role: 'agent', password: PASSWORD, actor: 'test' })).rejects.toThrow('看起来一样')
  })

  it('applies the password policy when a user is added and when a password is changed', async () => {
    for (const password of [' '.repeat(10), 'aaaaaaaaaa', 'password123', '1234567890']) {
      await expect(auth.addUser({ name: '小李', role: 'agent', password, actor: 'test' })).rejects.toThrow(/密码/)
    }
    const [boss] = await auth.listUsers()
    await expect(auth.updateUser(boss!.id, { password: 'aaaaaaaaaa' }, 'test')).rejects.toThrow('重复')
    await expect(auth.updateUser(boss!.id, { password: ' '.repeat(12) }, 'test')).rejects.toThrow('空白')
  })
})
