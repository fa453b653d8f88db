import { loadConfig } from '../config/load-config.js'
import { startQunDesk } from '../main.js'
import type { CliIo } from './cli-io.js'

/** `qundesk start [--new-database]`: runs the bot until SIGINT/SIGTERM. */
export async function startCommand(io: CliIo, flags: { newDatabase: boolean } = { newDatabase: false }): Promise<number> {
  const config = { ...loadConfig(io.env, io.cwd), newDatabase: flags.newDatabase }
  const app = await startQunDesk(config)
  io.stdout('')
  io.stdout(`QunDesk 群客服助手 已启动 — ${config.demo.enabled ? '演示模式（wechaty-puppet-mock）' : `puppet: ${config.puppet.kind}`}`)
  io.stdout(`  坐席工作台: ${app.url}/`)
  if (app.demoAdmin) io.stdout(`  演示管理员（一次性密码，首次登录时必须修改）: ${app.demoAdmin.name} / ${app.demoAdmin.password}`)
  io.stdout(`  API:  ${app.url}/api/health`)
  if (config.demo.enabled && !config.apiToken) {
    // Printed once to the terminal (not the log) so the demo API is usable; set QUNDESK_API_TOKEN in production.
    io.stdout(`  演示 API token（本次运行有效）: ${app.apiToken}`)
    io.stdout(`  查看待处理建议: curl -H "Authorization: Bearer ${app.apiToken}" ${app.url}/api/suggestions?status=pending`)
  }
  if (config.demo.simulateCustomers) io.stdout(`  演示群「演示客户群」和「演示VIP客户群」（更严格的匹配区间）中的模拟客户每 ~${config.demo.intervalSeconds} 秒 @ 一次机器人（QUNDESK_DEMO=0 关闭）`)
  if (app.demoHistory) io.stdout(`  已生成过去 ${app.demoHistory.days} 天的演示历史（${app.demoHistory.questions} 个问题）：报表和成员页一打开就有数据`)
  io.stdout('')
  await new Promise<void>((resolve) => {
    const stop = () => resolve()
    process.once('SIGINT', stop)
    process.once('SIGTERM', stop)
  })
  // A second signal means "now": what is stored is replayed at the next start, so nothing is lost.
  const force = () => {
    app.logger.warn('second signal: exiting without waiting')
    process.exit(1)
  }
  process.once('SIGINT', force)
  process.once('SIGTERM', force)
  app.logger.info({ backlog: app.pipeline.backlog() }, 'shutting down: finishing the messages in hand')
  await app.stop()
  app.logger.info('stopped')
  return 0
}
