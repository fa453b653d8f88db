import type { ConnectionStatus } from '../core/vocabulary.js'
import type { Logger } from '../core/logger.js'

/**
 * Tells the agents' group (group robot) when the account has been offline for `minutes`, and again when it is
 * back: replies wait in the outbox meanwhile, and customers may need a human elsewhere. Without a robot the
 * outage is logged at error level only.
 *
 * @example
 * const stop = watchOffline({ channel, minutes: 5, logger, queued: async () => 3, send: (t) => robot.sendText(t) })
 */
export function watchOffline(deps: {
  channel: { status(): ConnectionStatus; onStatus(listener: (s: ConnectionStatus) => void): () => void }
  minutes: number
  logger: Logger
  queued: () => Promise<number>
  send?: (text: string) => Promise<unknown>
}): () => void {
  if (deps.minutes <= 0) return () => undefined
  let timer: NodeJS.Timeout | undefined
  let alerted = false
  const say = (text: string) => {
    if (!deps.send) return
    void deps.send(text).catch((error: unknown) => deps.logger.warn({ err: error }, 'could not send the offline notice'))
  }
  const onStatus = (status: ConnectionStatus) => {
    if (status.state === 'online') {
      if (timer) clearTimeout(timer)
      timer = undefined
      if (alerted) say('【机器人已恢复】账号已重新连接，排队的回复正在发送。')
      alerted = false
      return
    }
    if (timer || alerted) return // starting (never logged in) counts as offline too
    timer = setTimeout(() => {
      timer = undefined
      alerted = true
      void deps.queued().then((queued) => {
        const reason = status.lastError ? `（${status.lastError.slice(0, 120)}）` : ''
        deps.logger.error({ offlineSince: status.since, queued }, 'the account has been offline past the alert threshold')
        say(`【机器人离线】账号已离线超过 ${deps.minutes} 分钟${reason}，正在自动重连；${queued} 条回复排队等待发送。如需立即回复，请在企业微信里直接回复客户。`)
      }, (error: unknown) => deps.logger.warn({ err: error }, 'could not count queued sends'))
    }, deps.minutes * 60_000)
    timer.unref()
  }
  const unsubscribe = deps.channel.onStatus(onStatus)
  onStatus(deps.channel.status())
  return () => {
    unsubscribe()
    if (timer) clearTimeout(timer)
  }
}
