import fs from 'node:fs'
import type { Logger } from '../logger.js'

export interface FolderWatch {
  close(): void
}

/**
 * Calls `onChange` once a burst of edits to `*.yaml` / `*.yml` files in `dir` has settled (editors write several
 * times per save). Watching failures are logged: edits then need a restart, but nothing stops.
 *
 * @example
 * const watch = watchYamlFolder('rules', () => void rules.reload(), { logger, what: 'rules' })
 * watch.close()
 */
export function watchYamlFolder(dir: string, onChange: () => void, options: { logger: Logger; what: string; debounceMs?: number }): FolderWatch {
  let timer: NodeJS.Timeout | undefined
  const watcher = fs.watch(dir, { persistent: false }, (_event, file) => {
    if (file && !/\.ya?ml$/i.test(String(file))) return
    clearTimeout(timer)
    timer = setTimeout(onChange, options.debounceMs ?? 300)
  })
  watcher.on('error', (error) => options.logger.error({ err: error }, `cannot watch the ${options.what} folder; edits need a restart`))
  return {
    close() {
      clearTimeout(timer)
      watcher.close()
    },
  }
}
