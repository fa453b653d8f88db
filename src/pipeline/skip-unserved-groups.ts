import { servesGroup, type ServedGroups } from '../settings/served-groups.js'
import type { Step } from './message-context.js'

/**
 * Groups the bot does not serve (用户与设置 → 服务的群): the message is stored, with its emotion, as context for
 * agents and reports, and nothing more: no answer, no follow-up question, no queue item.
 */
export function skipUnservedGroups(deps: { servedGroups: () => Promise<ServedGroups>; instanceId: string }): Step {
  return async (ctx, next) => {
    if (!servesGroup(await deps.servedGroups(), deps.instanceId, { id: ctx.message.groupId, name: ctx.message.groupName })) {
      ctx.log.debug({ groupId: ctx.message.groupId }, 'not a served group: stored for context only')
      ctx.outcome = 'ignored'
      return
    }
    await next()
  }
}
