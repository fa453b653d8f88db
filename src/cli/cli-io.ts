/** What a CLI command may touch: passed in so tests run commands in-process and read their output. */
export interface CliIo {
  stdout: (text: string) => void
  stderr: (text: string) => void
  env: Record<string, string | undefined>
  cwd: string
  /** Asks for a password: hidden prompt on a terminal, or the first line of stdin when piped. */
  readPassword?: (prompt: string) => Promise<string>
  /** Asks a question on a terminal and returns the typed line; absent when stdin is not a terminal (nobody to ask). */
  confirm?: (prompt: string) => Promise<string>
}

export class UsageError extends Error {}

/**
 * A usage error as the admin reads it: our own UsageError messages are already in Chinese; node:util's parseArgs
 * speaks English, so its common errors are said again here (others keep node's words).
 *
 * @example
 * describeUsageError(Object.assign(new Error("Unknown option '--x'. To specify …"), { code: 'ERR_PARSE_ARGS_UNKNOWN_OPTION' }))
 * // "不认识的选项 '--x'"
 */
export function describeUsageError(error: Error & { code?: string }): string {
  const option = /'(-[^' ]+)/.exec(error.message)?.[1]
  if (error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && option) return `不认识的选项 '${option}'（以 - 开头的参数请写在 -- 之后）`
  if (error.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && option) {
    if (/argument missing/.test(error.message)) return `选项 '${option}' 后面缺少值`
    if (/does not take an argument/.test(error.message)) return `选项 '${option}' 不带值`
  }
  return error.message
}
