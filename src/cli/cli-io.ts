/** What a CLI command may touch: passed in so tests run commands in-process and read their output. */
export interface CliIo {
  stdout: (text: string) => void
  stderr: (text: string) => void
  env: Record<string, string | undefined>
  cwd: string
  /** Reads all of stdin (for passwords piped in, later commands). */
  readStdin?: () => Promise<string>
}

export class UsageError extends Error {}
