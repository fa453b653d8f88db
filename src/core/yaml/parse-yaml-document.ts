import { Composer, Lexer, Parser, YAMLParseError } from 'yaml'
import type { CST, Document, LineCounter } from 'yaml'

/**
 * Knowledge and rules files nest 4–5 levels (intents → item → examples → list); 64 leaves plenty of room while
 * staying far below the depth at which the yaml library's recursive composer runs out of stack (~800 levels).
 */
export const MAX_YAML_NESTING = 64

export type ParsedYamlDocument = { ok: true; doc: Document } | { ok: false; tooDeep: { line: number } }

/**
 * `parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true })` in one pass, except that a text
 * nesting deeper than `maxDepth` collections (flow `[`/`{` or block) is refused before it is composed, with the
 * 1-based line where the limit is crossed.
 *
 * Why (2026-12, yaml 2.9 on Node 20): the composer recurses. About 800 nested `[` (800 bytes) or `- - - …`
 * overflow the stack; yaml reports that as an error, but the overflow can land in V8's regexp compiler, which then
 * aborts the whole process ("RegExpCompiler Allocation failed") on a later parse: one bad file on a hot reload
 * would kill the bot. The concrete-syntax parser keeps its own stack, so its depth is watched while it reads.
 *
 * @example
 * const parsed = parseYamlDocument('a: [[[1]]]', new LineCounter())
 * parsed.ok && parsed.doc.toJS() // { a: [[[1]]] }
 * parseYamlDocument('['.repeat(100), new LineCounter()) // { ok: false, tooDeep: { line: 1 } }
 */
export function parseYamlDocument(text: string, lineCounter: LineCounter, maxDepth = MAX_YAML_NESTING): ParsedYamlDocument {
  const parser = new Parser(lineCounter.addNewLine)
  // The parser's stack holds the document, one entry per open collection and the node being read.
  const limit = maxDepth + 2
  let tooDeepAt: number | undefined
  function* tokens(): Generator<CST.Token> {
    lineCounter.addNewLine(0)
    for (const lexeme of new Lexer().lex(text)) {
      yield* parser.next(lexeme)
      if (parser.stack.length > limit) {
        tooDeepAt = parser.offset
        return
      }
    }
    yield* parser.end()
  }
  let doc: Document | undefined
  for (const next of new Composer({ prettyErrors: false, uniqueKeys: true }).compose(tokens(), true, text.length)) {
    if (!doc) doc = next
    else {
      doc.errors.push(new YAMLParseError([next.range[0], next.range[1]], 'MULTIPLE_DOCS', 'Source contains multiple documents; please use YAML.parseAllDocuments()'))
      break
    }
  }
  if (tooDeepAt !== undefined) return { ok: false, tooDeep: { line: lineCounter.linePos(tooDeepAt).line } }
  // compose(…, forceDoc) always yields a document, for an empty text too.
  return { ok: true, doc: doc! }
}
