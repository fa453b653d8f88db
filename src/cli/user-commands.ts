import { createAuthService, ROLES } from '../auth/auth-service.js'
import { loadConfig } from '../config/load-config.js'
import { systemClock } from '../core/clock.js'
import { openDb } from '../storage/create-db.js'
import type { Role } from '../core/vocabulary.js'
import { UsageError, type CliIo } from './cli-io.js'

/** `qundesk user add <name> --role agent|admin`: the password is prompted for (hidden) or read from stdin. */
export async function userAdd(name: string | undefined, flags: { role?: string }, io: CliIo): Promise<number> {
  if (!name) throw new UsageError('user add needs a name, e.g. qundesk user add 小王 --role agent')
  const role = (flags.role ?? 'agent') as Role
  if (!ROLES.includes(role)) throw new UsageError(`--role must be ${ROLES.join(' or ')}`)
  if (!io.readPassword) throw new UsageError('no terminal or stdin to read the password from')
  const password = await io.readPassword(`${name} 的密码（至少 10 个字符）: `)
  const config = loadConfig(io.env, io.cwd)
  const db = await openDb(config)
  try {
    const user = await createAuthService({ db, clock: systemClock }).addUser({ name, role, password, actor: 'cli' })
    io.stdout(`已添加用户 ${user.name}（${user.role === 'admin' ? '管理员' : '坐席'}）`)
    return 0
  } finally {
    await db.destroy()
  }
}
