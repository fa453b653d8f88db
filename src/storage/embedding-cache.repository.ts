import { createHash } from 'node:crypto'
import type { Db } from './create-db.js'
import type { EmbeddingCacheTable } from './schema.js'

/** Rows per statement: keeps `IN (...)` lists and inserts well under SQLite's and PostgreSQL's parameter limits. */
const CHUNK = 200

/** The cache key of a normalised text: sha256, base64url (the text itself is never stored). */
export function embeddingTextHash(text: string): string {
  return createHash('sha256').update(text).digest('base64url')
}

/** A vector as float32 little-endian bytes in base64 (4 bytes per dimension, a third of JSON's size). */
export function encodeVector(vector: ArrayLike<number>): string {
  const bytes = Buffer.alloc(vector.length * 4)
  for (let i = 0; i < vector.length; i++) bytes.writeFloatLE(vector[i]!, i * 4)
  return bytes.toString('base64')
}

/** The vector `encodeVector` wrote; undefined when the stored bytes do not hold `dimension` floats (a damaged row is re-fetched, not misread). */
export function decodeVector(text: string, dimension: number): Float32Array | undefined {
  const bytes = Buffer.from(text, 'base64')
  if (bytes.length !== dimension * 4 || dimension <= 0) return undefined
  const vector = new Float32Array(dimension)
  for (let i = 0; i < dimension; i++) vector[i] = bytes.readFloatLE(i * 4)
  return vector
}

/** The cached vectors of these texts' hashes for `model`, by hash; hashes not cached (or damaged) are absent. */
export async function findCachedVectors(db: Db, model: string, hashes: readonly string[]): Promise<Map<string, Float32Array>> {
  const found = new Map<string, Float32Array>()
  const unique = [...new Set(hashes)]
  for (let i = 0; i < unique.length; i += CHUNK) {
    const rows = await db.selectFrom('embedding_cache').select(['text_hash', 'dimension', 'vector'])
      .where('model', '=', model).where('text_hash', 'in', unique.slice(i, i + CHUNK)).execute()
    for (const row of rows) {
      const vector = decodeVector(row.vector, Number(row.dimension))
      if (vector) found.set(row.text_hash, vector)
    }
  }
  return found
}

/** Stores vectors; a hash already cached for the model keeps its row (another instance may have written it first). */
export async function insertCachedVectors(
  db: Db,
  rows: ReadonlyArray<{ model: string; textHash: string; kind: EmbeddingCacheTable['kind']; vector: ArrayLike<number>; createdAt: string }>,
): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) {
    const values = rows.slice(i, i + CHUNK).map((r) => ({
      model: r.model, text_hash: r.textHash, kind: r.kind, dimension: r.vector.length, vector: encodeVector(r.vector), created_at: r.createdAt,
    }))
    await db.insertInto('embedding_cache').values(values).onConflict((oc) => oc.columns(['model', 'text_hash']).doNothing()).execute()
  }
}

/** Retention: customers' question vectors cached before `before` go, at most `limit` per step; returns how many (knowledge examples stay). */
export async function deleteExpiredQuestionVectors(db: Db, step: { before: string; limit: number }): Promise<number> {
  const hashes = (await db.selectFrom('embedding_cache').select('text_hash')
    .where('kind', '=', 'question').where('created_at', '<', step.before).limit(step.limit).execute()).map((r) => r.text_hash)
  let deleted = 0
  for (let i = 0; i < hashes.length; i += CHUNK) {
    const result = await db.deleteFrom('embedding_cache')
      .where('kind', '=', 'question').where('created_at', '<', step.before).where('text_hash', 'in', hashes.slice(i, i + CHUNK))
      .executeTakeFirst()
    deleted += Number(result.numDeletedRows)
  }
  return deleted
}

/**
 * Erasure: the customers' question vectors cached under these hashes, whatever the model (the hash does not depend on
 * it); returns how many. Knowledge examples stay even when an example has the same text: they are not the customer's.
 */
export async function deleteQuestionVectors(db: Db, hashes: readonly string[]): Promise<number> {
  const unique = [...new Set(hashes)]
  let deleted = 0
  for (let i = 0; i < unique.length; i += CHUNK) {
    const result = await db.deleteFrom('embedding_cache').where('kind', '=', 'question').where('text_hash', 'in', unique.slice(i, i + CHUNK)).executeTakeFirst()
    deleted += Number(result.numDeletedRows)
  }
  return deleted
}

/** Erasure when the hashes of the erased texts cannot be worked out: every customer question vector goes (a cache: the provider is asked again). */
export async function deleteAllQuestionVectors(db: Db): Promise<number> {
  const result = await db.deleteFrom('embedding_cache').where('kind', '=', 'question').executeTakeFirst()
  return Number(result.numDeletedRows)
}
