import { readEmbeddingsConfig } from '../config/read-embeddings-config.js'
import { createEmbeddingsClient } from '../embeddings/embeddings-client.js'
import { EmbeddingsError } from '../embeddings/embeddings-error.js'
import type { SemanticBlend } from '../nlu/embedding-texts.js'
import type { CliIo } from './cli-io.js'

/** What a kb command does with the vectors, for its stderr lines: 校准 (calibrate), 评估 (eval), 测试 (test). */
export type KbEmbeddingsUse = '校准' | '评估' | '测试'

/**
 * The embedding provider for `kb calibrate`, `kb eval` and `kb test`, from QUNDESK_EMBEDDINGS_* (the same settings
 * the bot reads): none when QUNDESK_EMBEDDINGS_URL is unset or `enabled` is false (--no-embeddings). Says on stderr
 * that the provider is used, so a figure is never mistaken for the offline matcher's. The tools ask the provider
 * directly (one pass) rather than through the bot's database cache, so they work on a knowledge folder alone.
 * `ok: false` after printing the configuration's problems.
 */
export function readKbEmbeddings(io: CliIo, enabled: boolean, use: KbEmbeddingsUse): { ok: true; semantic?: SemanticBlend & { model: string } } | { ok: false } {
  if (!enabled) return { ok: true }
  const problems: string[] = []
  const config = readEmbeddingsConfig(io.env, problems)
  if (problems.length > 0) {
    for (const problem of problems) io.stderr(problem)
    return { ok: false }
  }
  if (!config) return { ok: true }
  io.stderr(use === '校准'
    ? `用嵌入服务 ${config.model}（${config.baseUrl}）的向量校准融合后的分数；加 --no-embeddings 只校准离线匹配`
    : `用嵌入服务 ${config.model}（${config.baseUrl}）的向量融合排名，按 matching.semantic 判断（与机器人一致）；加 --no-embeddings 只${use}离线匹配`)
  const client = createEmbeddingsClient({ config })
  return { ok: true, semantic: { embed: (texts) => client.embed(texts), weight: config.weight, model: config.model } }
}

/**
 * Prints a provider failure with the fix and returns true (the command then exits 1); false for any other error,
 * which the caller rethrows. A kb command fails rather than falling back: offline figures presented as blended
 * ones would mislead.
 */
export function reportEmbeddingsError(error: unknown, io: CliIo, use: KbEmbeddingsUse): boolean {
  if (!(error instanceof EmbeddingsError)) return false
  io.stderr(`嵌入服务出错：${error.message}`)
  io.stderr(`检查 QUNDESK_EMBEDDINGS_URL / QUNDESK_EMBEDDINGS_MODEL 和服务是否在运行；加 --no-embeddings 只${use}离线匹配`)
  return true
}
