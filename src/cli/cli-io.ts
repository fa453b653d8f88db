/** What a CLI command may touch: passed in so tests run commands in-process and read their output. */
export interface CliIo {
  stdout: (text: string) => void
  stderr: (text: string) => void
  env: Record<string, string | undefined>
  cwd: string
  /** Asks for a password: hidden prompt on a terminal, or the first line of stdin when piped. */
  readPassword?: (prompt: string) => Promise<string>
}

export class UsageError extends Error {}
