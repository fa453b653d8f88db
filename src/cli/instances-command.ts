import { loadConfig } from '../config/load-config.js'
import { STALE_AFTER_MS } from '../fleet/heartbeat.js'
import { openDb } from '../storage/create-db.js'
import { fleetOverview, type InstanceOverview } from '../storage/fleet.repository.js'
import type { CliIo } from './cli-io.js'

export type InstanceState = 'running' | 'stopped' | 'silent'

/**
 * What an operator needs to know about an instance: running (fresh heartbeat, and on PostgreSQL its lock held),
 * stopped cleanly, or silent: no clean stop, and no heartbeat for a minute or (PostgreSQL) no process holding its
 * lock, i.e. killed, crashed, or cut off from the database.
 */
export function instanceState(i: InstanceOverview, now: number): InstanceState {
  if (i.stoppedAt !== null && i.locked !== true) return 'stopped'
  if (i.locked === false || now - Date.parse(i.heartbeatAt) > STALE_AFTER_MS) return 'silent'
  return 'running'
}

const LABEL: Record<InstanceState, string> = { running: '运行中', stopped: '已停止', silent: '失联' }

/** `qundesk instances [--json]`: the instances on the configured database, their state and what waits on them. */
export async function instancesCommand(flags: { json: boolean }, io: CliIo, now = Date.now()): Promise<number> {
  const config = loadConfig(io.env, io.cwd)
  const db = await openDb(config)
  try {
    const fleet = (await fleetOverview(db)).map((i) => ({ ...i, state: instanceState(i, now) }))
    if (flags.json) {
      io.stdout(JSON.stringify(fleet, null, 2))
      return 0
    }
    if (fleet.length === 0) {
      io.stdout('数据库里还没有实例记录（QunDesk 尚未在这个数据库上启动过）')
      return 0
    }
    const ago = (iso: string) => {
      const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000))
      return s < 120 ? `${s} 秒前` : s < 7200 ? `${Math.round(s / 60)} 分钟前` : `${Math.round(s / 3600)} 小时前`
    }
    for (const i of fleet) {
      const lock = i.locked === undefined ? '' : i.locked ? '，持有实例锁' : '，未持有实例锁'
      io.stdout(`${i.instanceId}  ${LABEL[i.state]}（心跳 ${ago(i.heartbeatAt)}${i.stoppedAt ? `，${ago(i.stoppedAt)}停止` : ''}${lock}）  群 ${i.groups}  待发送 ${i.queued}  未处理消息 ${i.unhandled}`)
    }
    const silent = fleet.filter((i) => i.state === 'silent' && (i.queued > 0 || i.unhandled > 0))
    for (const i of silent) {
      io.stdout(`注意：${i.instanceId} 失联（进程已退出或连不上数据库）。它的未处理消息会由其他实例接管；它的 ${i.queued} 条待发送只能等它的账号恢复（用同一 QUNDESK_INSTANCE_ID 重新启动）`)
    }
    return 0
  } finally {
    await db.destroy()
  }
}
