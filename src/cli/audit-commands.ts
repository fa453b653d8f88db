import { verifyChain } from '../storage/audit-chain.js'
import { loadConfig } from '../config/load-config.js'
import { openDb } from '../storage/create-db.js'
import { iterateAudit } from '../storage/audit.repository.js'
import type { CliIo } from './cli-io.js'

/** `qundesk audit verify`: recomputes the audit log's hash chain; exit 0 when intact, 1 naming the first broken entry. */
export async function auditVerify(io: CliIo): Promise<number> {
  const config = loadConfig(io.env, io.cwd)
  const db = await openDb(config)
  try {
    const check = await verifyChain(iterateAudit(db))
    if (check.ok) {
      io.stdout(`审计日志完整：${check.entries} 条记录，哈希链校验通过`)
      return 0
    }
    io.stderr(`审计日志被改动过：第 ${check.brokenAt} 条记录校验失败（${check.reason}）；已检查 ${check.entries} 条`)
    return 1
  } finally {
    await db.destroy()
  }
}
