import {
  AliasNode,
  ColumnNode,
  ColumnUpdateNode,
  InsertQueryNode,
  OnConflictNode,
  PrimitiveValueListNode,
  TableNode,
  UpdateQueryNode,
  ValueListNode,
  ValueNode,
  ValuesNode,
  type KyselyPlugin,
  type OperationNode,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryResult,
  type RootOperationNode,
  type UnknownRow,
} from 'kysely'
import { isSealed, type ContentCipher } from './content-cipher.js'

/**
 * The columns that hold what customers and agents wrote, and the audit details that quote it (edited replies).
 * Names and ids stay plain (the console searches them), as do learned examples (the bot's training data, unique by
 * text in SQL, and agents' fixes become knowledge files anyway). Learning candidates are sealed: they are copies of
 * customers' questions no one has reviewed yet, so they get the protection of the suggestion they came from. The audit chain hashes the plain detail, so re-sealing it under a new key keeps the chain intact.
 */
export const SEALED_COLUMNS: Readonly<Record<string, readonly string[]>> = {
  messages: ['text', 'question'],
  suggestions: ['question', 'text', 'final_text'],
  outbox: ['text'],
  slot_requests: ['question'],
  wecom_callbacks: ['payload'],
  audit_log: ['detail'],
  message_media: ['content', 'transcript', 'file_name'],
  learning_candidates: ['text'],
}

/**
 * Seals the content columns in every INSERT and UPDATE and opens sealed values in every result row, so repositories
 * and services read and write plain text and never know whether encryption is on. Comparisons in SQL (WHERE, LIKE)
 * on sealed columns cannot work; code that searches content does it after reading (see eraseMemberData).
 */
export class ContentSealingPlugin implements KyselyPlugin {
  constructor(private readonly cipher: ContentCipher) {}

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    const node = args.node
    if (InsertQueryNode.is(node)) return this.sealInsert(node)
    if (UpdateQueryNode.is(node)) return this.sealUpdate(node)
    return node
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    const rows = args.result.rows
    if (!rows || rows.length === 0) return args.result
    let changed = false
    const opened = rows.map((row) => {
      let copy: UnknownRow | undefined
      for (const key in row) {
        const value = row[key]
        if (isSealed(value)) {
          copy ??= { ...row }
          copy[key] = this.cipher.open(value)
        }
      }
      if (copy) changed = true
      return copy ?? row
    })
    return changed ? { ...args.result, rows: opened } : args.result
  }

  private sealInsert(node: InsertQueryNode): InsertQueryNode {
    const columns = sealedColumnsOf(node.into)
    if (!columns) return node
    let next = node
    if (node.columns && node.values && ValuesNode.is(node.values)) {
      const positions = node.columns.map((c, i) => (columns.includes(c.column.name) ? i : -1)).filter((i) => i >= 0)
      if (positions.length > 0) {
        const values = ValuesNode.create(node.values.values.map((item) => {
          if (PrimitiveValueListNode.is(item)) {
            return PrimitiveValueListNode.create(item.values.map((v, i) => (positions.includes(i) ? this.sealValue(v) : v)))
          }
          return ValueListNode.create(item.values.map((v, i) => (positions.includes(i) ? this.sealNode(v) : v)))
        }))
        next = InsertQueryNode.cloneWith(next, { values })
      }
    }
    if (node.onConflict?.updates) {
      next = InsertQueryNode.cloneWith(next, { onConflict: OnConflictNode.cloneWith(node.onConflict, { updates: this.sealUpdates(node.onConflict.updates, columns) }) })
    }
    return next
  }

  private sealUpdate(node: UpdateQueryNode): UpdateQueryNode {
    const columns = sealedColumnsOf(node.table)
    if (!columns || !node.updates) return node
    return Object.freeze({ ...node, updates: this.sealUpdates(node.updates, columns) })
  }

  private sealUpdates(updates: readonly ColumnUpdateNode[], columns: readonly string[]): ColumnUpdateNode[] {
    return updates.map((u) => (ColumnNode.is(u.column) && columns.includes(u.column.column.name) ? ColumnUpdateNode.create(u.column, this.sealNode(u.value)) : u))
  }

  private sealNode(node: OperationNode): OperationNode {
    return ValueNode.is(node) && typeof node.value === 'string' ? ValueNode.create(this.cipher.seal(node.value)) : node
  }

  private sealValue(value: unknown): unknown {
    return typeof value === 'string' ? this.cipher.seal(value) : value
  }
}

function sealedColumnsOf(table: OperationNode | undefined): readonly string[] | undefined {
  const node = table && AliasNode.is(table) ? table.node : table
  return node && TableNode.is(node) ? SEALED_COLUMNS[node.table.identifier.name] : undefined
}
