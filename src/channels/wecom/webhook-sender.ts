import type { Clock } from '../../core/clock.js'
import { QunDeskError } from '../../core/errors.js'
import type { Logger } from '../../core/logger.js'
import { callWecom, wecomHttp, type WecomTransportOptions } from './wecom-api-client.js'
import { FREQUENCY_ERRCODE, wecomError } from './wecom-errors.js'

/** A group-robot message in QunDesk's terms; `content` longer than WeCom allows is cut with an ellipsis. */
export type WebhookMessage =
  | {
      type: 'text'
      content: string
      /** UserIDs to @; '@all' for everyone. */
      mentionedList?: string[]
      /** Mobile numbers to @; '@all' for everyone. */
      mentionedMobileList?: string[]
    }
  | { type: 'markdown'; content: string }

export interface WebhookSenderOptions extends WecomTransportOptions {
  /** The key= part of the robot's webhook URL. Never logged. */
  key: string
  baseUrl: string
  clock: Clock
  /** WeCom allows 20 messages a minute per robot. */
  perMinute?: number
  /** Messages waiting beyond this are refused (the robot cannot catch up anyway). */
  maxQueue?: number
  /** Waits after each errcode 45009 before trying again; one retry per entry, then the send fails. */
  frequencyRetryDelaysMs?: readonly number[]
}

export interface WebhookSender {
  /** Queues the message; resolves once WeCom accepted it, rejects with an explained QunDeskError otherwise. */
  send(message: WebhookMessage): Promise<void>
  sendText(content: string, mentions?: { userIds?: string[]; mobiles?: string[] }): Promise<void>
  sendMarkdown(content: string): Promise<void>
  /** Messages waiting for their turn (not counting one being sent). */
  pending(): number
  /** Rejects every queued send, lets the one in flight finish, and refuses new ones. */
  stop(): Promise<void>
}

export const TEXT_MAX_BYTES = 2048
export const MARKDOWN_MAX_BYTES = 4096
const WINDOW_MS = 60_000
const DEFAULT_FREQUENCY_DELAYS_MS = [10_000, 20_000, 30_000, 60_000]

/**
 * The group robot (群机器人) of the agents' internal group: escalation notices and the daily digest.
 * Paced to `perMinute` sends in any 60 s (sliding window, by the injected clock); the rest wait in order in a
 * bounded in-memory queue. errcode 45009 waits and retries; 93000 says to check QUNDESK_WECOM_WEBHOOK_KEY.
 *
 * @example
 * const robot = createWebhookSender({ ...config.wecomOfficial.webhook, clock: systemClock, logger })
 * await robot.sendMarkdown('**需要人工处理**\n群：售后群 1\n客户：王女士')
 * await robot.stop()
 */
export function createWebhookSender(options: WebhookSenderOptions): WebhookSender {
  const log = options.logger.child({ component: 'wecom-webhook' })
  const http = wecomHttp(options, log)
  const perMinute = options.perMinute ?? 20
  const maxQueue = options.maxQueue ?? 500
  const frequencyDelays = options.frequencyRetryDelaysMs ?? DEFAULT_FREQUENCY_DELAYS_MS
  if (!(perMinute >= 1)) throw new QunDeskError('bad_request', `perMinute 必须至少为 1（实际 ${perMinute}）`)
  const path = '/cgi-bin/webhook/send'
  const url = `${options.baseUrl.replace(/\/+$/, '')}${path}?${new URLSearchParams({ key: options.key })}`

  interface Job {
    body: unknown
    resolve: () => void
    reject: (error: unknown) => void
  }
  const queue: Job[] = []
  /** When each send in the last minute started (ms, by the clock). */
  const sentAt: number[] = []
  let pumping = false
  let running: Promise<void> = Promise.resolve()
  let stopped = false
  let onStop: () => void = () => {}
  const stopSignal = new Promise<void>((resolve) => {
    onStop = resolve
  })

  const stoppedError = () => new QunDeskError('channel_unavailable', '企业微信群机器人发送已停止，消息未发送', { path })

  /**
   * Sleeps (up to a minute for the window), but wakes at once when stop() is called. The default timer is
   * ref'd, so a CLI run waits for its queued messages, and cleared on stop, so it does not delay shutdown.
   */
  const pause = (ms: number): Promise<void> => {
    if (options.sleep) return Promise.race([options.sleep(ms), stopSignal])
    let timer: NodeJS.Timeout | undefined
    return Promise.race([new Promise<void>((resolve) => (timer = setTimeout(resolve, ms))), stopSignal]).finally(() => clearTimeout(timer))
  }

  async function waitForSlot(): Promise<void> {
    while (!stopped) {
      const now = options.clock().getTime()
      while (sentAt.length > 0 && sentAt[0]! <= now - WINDOW_MS) sentAt.shift()
      if (sentAt.length < perMinute) {
        sentAt.push(now)
        return
      }
      const waitMs = sentAt[0]! + WINDOW_MS - now
      log.debug({ waitMs, queued: queue.length }, 'group robot is at its per-minute limit; waiting')
      await pause(waitMs)
    }
  }

  async function deliver(body: unknown): Promise<void> {
    for (let retry = 0; ; retry++) {
      await waitForSlot()
      if (stopped) throw stoppedError()
      const reply = await callWecom(http, { method: 'POST', url, path, body })
      if (reply.errcode === 0) return
      const delayMs = frequencyDelays[retry]
      if (reply.errcode === FREQUENCY_ERRCODE && delayMs !== undefined) {
        // Someone else may be using the same robot: our window alone cannot prevent this.
        log.warn({ path, errcode: reply.errcode, retry: retry + 1, delayMs }, 'group robot is over its frequency limit; waiting to retry')
        await pause(delayMs)
        if (stopped) throw stoppedError()
        continue
      }
      log.error({ path, errcode: reply.errcode }, 'WeCom refused the group robot message')
      throw wecomError(reply.errcode, reply.errmsg, { path })
    }
  }

  function pump(): void {
    if (pumping) return
    pumping = true
    running = (async () => {
      try {
        while (queue.length > 0 && !stopped) {
          const job = queue.shift()!
          try {
            await deliver(job.body)
            job.resolve()
          } catch (error) {
            job.reject(error)
          }
        }
      } finally {
        // Cleared in the same tick as the last job settles, so a send() made in its continuation starts a new pump.
        pumping = false
      }
    })()
  }

  function send(message: WebhookMessage): Promise<void> {
    if (stopped) return Promise.reject(stoppedError())
    let body: unknown
    try {
      body = toWecomBody(message, log)
    } catch (error) {
      return Promise.reject(error)
    }
    if (queue.length >= maxQueue) {
      log.error({ queued: queue.length, maxQueue }, 'group robot queue is full; message refused')
      return Promise.reject(
        new QunDeskError('too_many_requests', `企业微信群机器人待发送队列已满（${maxQueue} 条），消息未发送：机器人每分钟最多发送 ${perMinute} 条`, {
          path,
          maxQueue,
        }),
      )
    }
    return new Promise<void>((resolve, reject) => {
      queue.push({ body, resolve, reject })
      pump()
    })
  }

  return {
    send,
    sendText: (content, mentions) =>
      send({
        type: 'text',
        content,
        ...(mentions?.userIds ? { mentionedList: mentions.userIds } : {}),
        ...(mentions?.mobiles ? { mentionedMobileList: mentions.mobiles } : {}),
      }),
    sendMarkdown: (content) => send({ type: 'markdown', content }),
    pending: () => queue.length,
    async stop() {
      if (!stopped) {
        stopped = true
        onStop()
        const dropped = queue.splice(0)
        if (dropped.length > 0) log.warn({ dropped: dropped.length }, 'group robot stopped; queued messages were not sent')
        for (const job of dropped) job.reject(stoppedError())
      }
      await running
    },
  }
}

function toWecomBody(message: WebhookMessage, log: Logger): unknown {
  if (message.content.trim() === '') throw new QunDeskError('bad_request', '群机器人消息内容不能为空')
  const max = message.type === 'text' ? TEXT_MAX_BYTES : MARKDOWN_MAX_BYTES
  const content = truncateUtf8(message.content, max)
  if (content !== message.content) {
    log.info({ type: message.type, bytes: Buffer.byteLength(message.content), maxBytes: max }, 'group robot message too long; truncated')
  }
  if (message.type === 'markdown') return { msgtype: 'markdown', markdown: { content } }
  return {
    msgtype: 'text',
    text: {
      content,
      ...(message.mentionedList?.length ? { mentioned_list: message.mentionedList } : {}),
      ...(message.mentionedMobileList?.length ? { mentioned_mobile_list: message.mentionedMobileList } : {}),
    },
  }
}

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' })

/**
 * Cuts `text` to at most `maxBytes` of UTF-8, ellipsis included, between characters (grapheme clusters, so an
 * emoji with modifiers or a CJK character is never split). Text that fits comes back unchanged.
 *
 * @example
 * truncateUtf8('你好世界', 9) // '你好…' (6 + 3 bytes)
 */
export function truncateUtf8(text: string, maxBytes: number, ellipsis = '…'): string {
  if (Buffer.byteLength(text) <= maxBytes) return text
  const budget = maxBytes - Buffer.byteLength(ellipsis)
  if (budget < 0) return ''
  let used = 0
  let out = ''
  for (const { segment } of graphemes.segment(text)) {
    const size = Buffer.byteLength(segment)
    if (used + size > budget) break
    out += segment
    used += size
  }
  return out + ellipsis
}
