/**
 * Runs tasks one after another for the same key, and tasks for other keys alongside: a decision of the kind
 * "is there one already? if not, create it" stays right when two events for the same customer arrive together.
 * A failed task does not stop the next one for its key; the caller gets its own task's outcome.
 *
 * @example
 * const serial = serializeByKey()
 * await serial(`${groupId}\u0000${memberId}`, () => openOrFoldItem(message))
 */
export function serializeByKey(): <T>(key: string, task: () => Promise<T>) => Promise<T> {
  const tails = new Map<string, Promise<unknown>>()
  return (key, task) => {
    const run = (tails.get(key) ?? Promise.resolve()).catch(() => undefined).then(task)
    tails.set(key, run)
    // The map holds only keys with work in hand.
    void run.catch(() => undefined).finally(() => { if (tails.get(key) === run) tails.delete(key) })
    return run
  }
}
