import type { IntentOption } from '../contract.js'
import { api } from './api.js'

/** "查物流（logistics.track）" for an intent the admin named (knowledge `name:`), else the id as it is. */
export type IntentLabel = (id: string) => string

/**
 * How pages other than the queue name intents: the current knowledge's names, read once from /api/intents. When the
 * list cannot be read the ids show as they are (names are a help, never a reason for a page to fail).
 *
 * @example
 * const label = await loadIntentLabels()
 * label('logistics.track') // '查物流（logistics.track）'
 */
export async function loadIntentLabels(): Promise<IntentLabel> {
  const intents = await api<IntentOption[]>('GET', '/api/intents').catch(() => [] as IntentOption[])
  const names = new Map(intents.flatMap((i) => (i.name ? [[i.id, i.name] as const] : [])))
  return (id) => {
    const name = names.get(id)
    return name ? `${name}（${id}）` : id
  }
}
