/**
 * Whether an intent id matches a pattern from the knowledge YAML (`escalation.intents`): `complaint.*` matches
 * every id starting with `complaint.`; anything else must match exactly.
 *
 * @example
 * intentMatches('complaint.*', 'complaint.delivery') // true
 * intentMatches('service.human', 'service.hours')    // false
 */
export function intentMatches(pattern: string, intentId: string): boolean {
  return pattern.endsWith('.*') ? intentId.startsWith(pattern.slice(0, -1)) : pattern === intentId
}
