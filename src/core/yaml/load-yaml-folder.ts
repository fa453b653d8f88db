import { readdir, readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import type { FileProblem } from '../file-problem.js'

/** What a kind of admin folder is called in messages, its limits, and its fix hints. */
export interface YamlFolderKind {
  /** '知识库' gives "找不到知识库文件夹", "无法读取知识库文件夹（…）", …. */
  what: string
  maxFiles: number
  maxFileBytes: number
  hints: { notAFolder: string; notFound: string; noFiles: string; tooManyFiles: string; fileTooLarge: string }
}

/** `missing: true`: the folder does not exist (some folders are optional). `files`: every file found, read or not. */
export type YamlFolderResult = { ok: true; files: string[] } | { ok: false; missing: boolean; problem: FileProblem }

/**
 * Reads every `*.yaml` / `*.yml` file in `dir` (sorted by name; hidden files, README.md and other files are
 * ignored) and hands each text to `onFile` in that order, one file at a time. Never throws for a bad folder or
 * file: a folder-level problem comes back instead of files; a file that is too large or unreadable is added to
 * `problems`, in file order with whatever `onFile` adds there.
 *
 * @example
 * const problems: FileProblem[] = []
 * const folder = await loadYamlFolder('rules', RULES_FOLDER, problems, (file, text) => {
 *   problems.push(...parseRulesFile(text, file).problems)
 * })
 * if (!folder.ok) console.error(formatProblem(folder.problem))
 */
export async function loadYamlFolder(dir: string, kind: YamlFolderKind, problems: FileProblem[], onFile: (file: string, text: string) => void): Promise<YamlFolderResult> {
  const folderProblem = (message: string, hint: string, missing = false): YamlFolderResult => ({ ok: false, missing, problem: { file: dir, line: 0, message, hint } })
  const { what, hints } = kind

  let names: string[]
  try {
    const info = await stat(dir)
    if (!info.isDirectory()) return folderProblem(`${what}路径不是文件夹`, hints.notAFolder)
    names = await readdir(dir)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT') return folderProblem(`找不到${what}文件夹`, hints.notFound, true)
    return folderProblem(`无法读取${what}文件夹（${code ?? (error as Error).message}）`, '请确认文件夹存在并且有读取权限')
  }
  const yamlNames = names.filter((name) => /\.ya?ml$/i.test(name) && !name.startsWith('.')).sort()
  if (yamlNames.length === 0) return folderProblem(`${what}文件夹里没有 *.yaml 文件`, hints.noFiles)
  if (yamlNames.length > kind.maxFiles) return folderProblem(`${what}文件夹里有 ${yamlNames.length} 个 YAML 文件，超过 ${kind.maxFiles} 个的上限`, hints.tooManyFiles)

  const files: string[] = []
  for (const name of yamlNames) {
    const file = join(dir, name)
    // A file can vanish between readdir and stat (an edit mid-save, a dangling symlink): a problem, not a throw,
    // which would escape the hot reload as an unhandled rejection.
    const read = await readYamlFile(file, kind)
    if (read === undefined) continue
    files.push(file)
    if (typeof read === 'string') onFile(file, read)
    else problems.push({ file, line: 0, ...read })
  }
  return { ok: true, files }
}

/** The file's text; undefined for what is not a file (a folder named x.yaml); a problem when it is too large or unreadable. */
async function readYamlFile(file: string, kind: YamlFolderKind): Promise<string | undefined | { message: string; hint: string }> {
  try {
    const info = await stat(file)
    if (!info.isFile()) return undefined
    if (info.size > kind.maxFileBytes) return { message: `文件太大（${info.size} 字节，上限 ${kind.maxFileBytes} 字节）`, hint: kind.hints.fileTooLarge }
    return await readFile(file, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    return { message: `无法读取文件（${code ?? (error as Error).message}）`, hint: code === 'ENOENT' ? '读取时文件不见了，或是指向不存在文件的链接；请重新保存，或删掉这个链接' : '请确认文件有读取权限' }
  }
}
