/**
 * Which groups the bot answers in: by instance id, or `*` for every instance without its own entry. A list holds
 * group ids or names; no entry means every group. Messages in other groups are still stored (context for agents).
 */
export type ServedGroups = Record<string, string[]>

/** The key for every instance without its own entry. */
export const ALL_INSTANCES = '*'

/**
 * Pure.
 *
 * @example
 * servesGroup({ '*': ['VIP客户群'] }, 'default', { id: 'r1@chatroom', name: 'VIP客户群' }) // true
 * servesGroup({ '*': ['VIP客户群'] }, 'default', { id: 'r2@chatroom', name: '闲聊群' })   // false
 * servesGroup({}, 'default', { id: 'r2@chatroom', name: '闲聊群' })                      // true
 */
export function servesGroup(served: ServedGroups, instanceId: string, group: { id: string; name: string }): boolean {
  const own = Object.prototype.hasOwnProperty.call(served, instanceId) ? served[instanceId] : undefined
  const list = own ?? (Object.prototype.hasOwnProperty.call(served, ALL_INSTANCES) ? served[ALL_INSTANCES] : undefined)
  if (list === undefined) return true
  return list.some((entry) => entry === group.id || entry === group.name)
}
