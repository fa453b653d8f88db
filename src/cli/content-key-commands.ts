import { loadConfig, type Config } from '../config/load-config.js'
import { appendAudit } from '../storage/audit.repository.js'
import { createContentCipher, newContentKeyEntry, type ContentCipher } from '../storage/content-cipher.js'
import { listContentKeys, retireContentKey } from '../storage/content-keys.repository.js'
import { flushErasedContent } from '../storage/erased-content.js'
import { countContentByKey, resealContent, type ColumnKeyCount } from '../storage/content-reseal.repository.js'
import { openDb, type Db } from '../storage/create-db.js'
import { cliActor } from './member-privacy-commands.js'
import { UsageError, type CliIo } from './cli-io.js'

/**
 * `qundesk content-key new [ID]`: prints a fresh `id:key` entry for QUNDESK_CONTENT_KEYS (32 random bytes). The key
 * goes to stdout only, for the operator to put in their secret store; nothing is written anywhere.
 */
export function contentKeyNew(id: string | undefined, io: CliIo): number {
  const keyId = id ?? `k${new Date().toISOString().slice(0, 10).replace(/-/g, '')}`
  try {
    io.stdout(newContentKeyEntry(keyId))
  } catch (error) {
    throw new UsageError((error as Error).message)
  }
  io.stderr('把这一项放在 QUNDESK_CONTENT_KEYS 的最前面（旧密钥保留在后面），重启 QunDesk 后运行 qundesk content-key rotate。密钥只打印这一次，请存入密钥管理处。')
  return 0
}

async function withKeys<T>(io: CliIo, work: (db: Db, cipher: ContentCipher, config: Readonly<Config>) => Promise<T>): Promise<T> {
  const config = loadConfig(io.env, io.cwd)
  if (!config.contentKeys) throw new UsageError('QUNDESK_CONTENT_KEYS is not set: there is no key to encrypt with or to read with (make one with: qundesk content-key new)')
  const cipher = createContentCipher(config.contentKeys.active, config.contentKeys.keys)
  const db = await openDb(config)
  try {
    return await work(db, cipher, config)
  } finally {
    await db.destroy()
  }
}

const keyIdsOf = async (db: Db, cipher: ContentCipher) => [...new Set([...cipher.keyIds, ...(await listContentKeys(db)).map((k) => k.key_id)])]

function describe(counts: readonly ColumnKeyCount[], keyIds: readonly string[]): string[] {
  return counts.map((c) => `  ${`${c.table}.${c.column}`.padEnd(26)} 明文 ${c.plain}${keyIds.map((id) => `，${id} ${c.sealed[id] ?? 0}`).join('')}`)
}

/** `qundesk content-key status`: the active key, the keys the database knows, and how each content column is stored. */
export async function contentKeyStatus(io: CliIo): Promise<number> {
  return withKeys(io, async (db, cipher) => {
    const keyIds = await keyIdsOf(db, cipher)
    io.stdout(`新内容加密方式：${cipher.activeKeyId ? `密钥 ${cipher.activeKeyId}（AES-256-GCM）` : '不加密（plaintext）'}`)
    for (const k of await listContentKeys(db)) {
      io.stdout(`  密钥 ${k.key_id}：指纹 ${k.fingerprint}，${k.first_used_at.slice(0, 10)} 起使用${k.retired_at ? `，${k.retired_at.slice(0, 10)} 已停用` : ''}${cipher.keyIds.includes(k.key_id) ? '' : '（未配置）'}`)
    }
    io.stdout('存储情况：')
    for (const line of describe(await countContentByKey(db, keyIds), keyIds)) io.stdout(line)
    return 0
  })
}

/**
 * `qundesk content-key rotate`: rewrites all stored content with the active key (or plain, when the first entry is
 * `plaintext`), then marks keys no row uses any more as retired so they can be removed from QUNDESK_CONTENT_KEYS.
 * Safe while QunDesk runs (restart it with the new keys first). Exit 1 when content under an old key remains.
 */
export async function contentKeyRotate(io: CliIo): Promise<number> {
  return withKeys(io, async (db, cipher) => {
    const started = Date.now()
    const result = await resealContent(db, cipher)
    // The content under the old key (or in plain text) must not stay readable in free pages or the WAL.
    await flushErasedContent(db)
    const keyIds = await keyIdsOf(db, cipher)
    const counts = await countContentByKey(db, keyIds)
    const stillUsed = (id: string) => counts.some((c) => (c.sealed[id] ?? 0) > 0)
    const now = new Date()
    const retired: string[] = []
    for (const id of keyIds) {
      if (id === cipher.activeKeyId || stillUsed(id)) continue
      await retireContentKey(db, id, now.toISOString())
      retired.push(id)
    }
    const leftOver = keyIds.filter((id) => id !== cipher.activeKeyId && stillUsed(id))
    const plainLeft = cipher.activeKeyId ? counts.reduce((n, c) => n + c.plain, 0) : 0
    await appendAudit(db, {
      at: now, actor: cliActor(io.env), action: 'content_keys.rotated', subjectType: 'content_keys', subjectId: cipher.activeKeyId ?? 'plaintext',
      detail: { rewritten: result.rewritten, skipped: result.skipped, retired, leftOver, plainLeft },
    })
    io.stdout(`已重写 ${result.rewritten} 条内容${cipher.activeKeyId ? `，现用密钥 ${cipher.activeKeyId} 加密` : '为明文'}（${((Date.now() - started) / 1000).toFixed(1)} 秒）`)
    if (result.skipped > 0) io.stdout(`${result.skipped} 条在重写时被 QunDesk 同时改写，已跳过`)
    if (retired.length > 0) io.stdout(`已停用密钥：${retired.join(', ')}（不再有内容使用，可以从 QUNDESK_CONTENT_KEYS 中删去）`)
    if (leftOver.length > 0 || plainLeft > 0) {
      io.stderr(`仍有内容未按当前设置存储：${leftOver.map((id) => `密钥 ${id}`).concat(plainLeft > 0 ? [`明文 ${plainLeft} 条`] : []).join('，')}。` +
        '正在运行的 QunDesk 是否已用新的 QUNDESK_CONTENT_KEYS 重启？重启后再运行一次 rotate。')
      return 1
    }
    return 0
  })
}
