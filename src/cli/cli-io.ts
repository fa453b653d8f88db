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
