import fs from 'node:fs'
import type { DatabaseCheck } from './database-check.js'

/**
 * Whether the path still leads to the SQLite file QunDesk has open. Deleting the data folder while QunDesk runs
 * does not stop SQLite: it keeps writing into the unlinked file, which vanishes at the next stop, and every page
 * still works. The file's identity (device and inode), taken when it was opened, tells: a missing path or another
 * file there means what QunDesk writes now is lost. One `stat`, cheap enough for every health request.
 *
 * @example
 * const check = createDatabaseFileCheck('data/qundesk.sqlite')   // right after opening it
 * check()   // { ok: false, problems: ['数据库文件已被删除或替换：…'] } once the folder is gone
 */
export function createDatabaseFileCheck(file: string): () => DatabaseCheck {
  const opened = identityOf(file)
  return () => {
    const now = identityOf(file)
    if (!opened || (now && now.dev === opened.dev && now.ino === opened.ino)) return { ok: true, problems: [] }
    return { ok: false, problems: [lostDatabaseProblem(file, now ? 'replaced' : 'deleted')] }
  }
}

/** What the console and the agents' group read: what happened, what is at stake, what to do (and what not to). */
export function lostDatabaseProblem(file: string, how: 'deleted' | 'replaced'): string {
  return `数据库文件已被删除或替换（${how === 'deleted' ? '文件不存在' : '已是另一个文件'}）：${file}。` +
    'QunDesk 仍在写入已删除的旧文件，停止后这些写入都会丢失。请停止 QunDesk，按 README「备份与恢复」从备份恢复；' +
    '下次启动不会自动新建空数据库。'
}

function identityOf(file: string): { dev: number; ino: number } | undefined {
  try {
    const stat = fs.statSync(file)
    return { dev: stat.dev, ino: stat.ino }
  } catch {
    return undefined
  }
}
