/** A parsed element: its text, or its children by name (a repeated name becomes an array, in document order). */
export type XmlValue = string | XmlNode | Array<string | XmlNode>
export interface XmlNode {
  [name: string]: XmlValue
}

export type XmlParseResult = { ok: true; value: XmlNode } | { ok: false; error: string }

export interface XmlLimits {
  /** UTF-8 bytes of the whole document. */
  maxBytes: number
  /** Element nesting, counting the root: <xml> is 1, <MemChangeList> 2, its <Item> 3. */
  maxDepth: number
  maxElements: number
}

export const DEFAULT_XML_LIMITS: Readonly<XmlLimits> = Object.freeze({ maxBytes: 64 * 1024, maxDepth: 3, maxElements: 2048 })

const ENTITIES = new Map([['lt', '<'], ['gt', '>'], ['amp', '&'], ['quot', '"'], ['apos', "'"]])
const NAME_START = /[A-Za-z_]/
const NAME_CHAR = /[A-Za-z0-9_.-]/
const MAX_NAME = 64

class XmlError extends Error {}

/**
 * Parses WeCom's flat callback XML: `<xml><Name><![CDATA[..]]></Name><Count>3</Count><List><Item>a</Item></List></xml>`.
 * Returns the root's children. Only elements, text, CDATA, the five predefined entities and numeric character
 * references exist here: DOCTYPE, ENTITY, comments, attributes and processing instructions (other than one leading
 * `<?xml ...?>`) are refused, so entity expansion and external entities cannot happen. Size, depth and element count
 * are bounded. Never throws.
 *
 * @example
 * parseWecomXml('<xml><MsgType><![CDATA[event]]></MsgType></xml>')   // { ok: true, value: { MsgType: 'event' } }
 * parseWecomXml('<!DOCTYPE x [<!ENTITY a "b">]><xml/>')             // { ok: false, error: 'DOCTYPE ... not allowed' }
 */
export function parseWecomXml(input: unknown, limits: Partial<XmlLimits> = {}): XmlParseResult {
  const max = { ...DEFAULT_XML_LIMITS, ...limits }
  if (typeof input !== 'string') return { ok: false, error: 'the body is not text' }
  // length <= bytes, so the cheap check first.
  if (input.length > max.maxBytes || Buffer.byteLength(input, 'utf8') > max.maxBytes) return { ok: false, error: `the XML is larger than ${max.maxBytes} bytes` }
  try {
    return { ok: true, value: new Parser(input, max).document() }
  } catch (error) {
    return { ok: false, error: error instanceof XmlError ? error.message : 'the XML could not be parsed' }
  }
}

class Parser {
  private pos = 0
  private elements = 0

  constructor(private readonly s: string, private readonly max: XmlLimits) {}

  document(): XmlNode {
    if (this.s.charCodeAt(0) === 0xfeff) this.pos = 1
    this.skipSpace()
    if (this.s.startsWith('<?xml', this.pos) && /[\s?]/.test(this.s[this.pos + 5] ?? '')) {
      const end = this.s.indexOf('?>', this.pos)
      if (end < 0 || this.s.slice(this.pos + 1, end).includes('<')) throw new XmlError('unterminated <?xml ...?> declaration')
      this.pos = end + 2
      this.skipSpace()
    }
    if (this.pos >= this.s.length) throw new XmlError('the XML is empty')
    const { name, value } = this.element(1)
    if (name !== 'xml') throw new XmlError(`the root element must be <xml>, not <${name}>`)
    this.skipSpace()
    if (this.pos < this.s.length) throw new XmlError(`unexpected content after </xml> at offset ${this.pos}`)
    if (typeof value === 'string') {
      if (value.trim() !== '') throw new XmlError('<xml> holds text instead of elements')
      return Object.create(null) as XmlNode
    }
    return value
  }

  private element(depth: number): { name: string; value: string | XmlNode } {
    this.refuseMarkup()
    if (this.s[this.pos] !== '<') throw new XmlError(`expected an element at offset ${this.pos}`)
    this.pos++
    const name = this.name()
    if (depth > this.max.maxDepth) throw new XmlError(`elements are nested deeper than ${this.max.maxDepth} levels`)
    if (++this.elements > this.max.maxElements) throw new XmlError(`more than ${this.max.maxElements} elements`)
    this.skipSpace()
    if (this.s.startsWith('/>', this.pos)) {
      this.pos += 2
      return { name, value: '' }
    }
    if (this.s[this.pos] !== '>') throw new XmlError(`<${name}> has attributes or a malformed tag at offset ${this.pos} (attributes are not supported)`)
    this.pos++

    const text: string[] = []
    let hasText = false
    let children: XmlNode | undefined
    for (;;) {
      if (this.pos >= this.s.length) throw new XmlError(`<${name}> is not closed`)
      if (this.s[this.pos] !== '<') {
        const end = this.s.indexOf('<', this.pos)
        if (end < 0) throw new XmlError(`<${name}> is not closed`)
        const run = decodeText(this.s.slice(this.pos, end), this.pos)
        if (run.trim() !== '') hasText = true
        text.push(run)
        this.pos = end
        continue
      }
      if (this.s.startsWith('</', this.pos)) {
        this.pos += 2
        const closing = this.name()
        if (closing !== name) throw new XmlError(`</${closing}> closes <${name}>`)
        this.skipSpace()
        if (this.s[this.pos] !== '>') throw new XmlError(`malformed </${name}> at offset ${this.pos}`)
        this.pos++
        break
      }
      if (this.s.startsWith('<![CDATA[', this.pos)) {
        const end = this.s.indexOf(']]>', this.pos + 9)
        if (end < 0) throw new XmlError('unterminated CDATA section')
        text.push(this.s.slice(this.pos + 9, end))
        hasText = true
        this.pos = end + 3
        continue
      }
      const child = this.element(depth + 1)
      children ??= Object.create(null) as XmlNode
      const existing = children[child.name]
      if (existing === undefined) children[child.name] = child.value
      else if (Array.isArray(existing)) existing.push(child.value)
      else children[child.name] = [existing, child.value]
    }
    if (children) {
      if (hasText) throw new XmlError(`<${name}> mixes text and elements`)
      return { name, value: children }
    }
    return { name, value: text.join('') }
  }

  /** Anything starting with `<!` (other than CDATA, handled by the caller) or `<?` is refused here. */
  private refuseMarkup(): void {
    const rest = this.s.slice(this.pos, this.pos + 9).toUpperCase()
    if (rest.startsWith('<!DOCTYPE') || rest.startsWith('<!ENTITY')) throw new XmlError('DOCTYPE and ENTITY declarations are not allowed')
    if (rest.startsWith('<!--')) throw new XmlError('comments are not allowed')
    if (rest.startsWith('<!')) throw new XmlError(`markup declarations are not allowed (offset ${this.pos})`)
    if (rest.startsWith('<?')) throw new XmlError('processing instructions are not allowed')
  }

  private name(): string {
    const start = this.pos
    if (!NAME_START.test(this.s[this.pos] ?? '')) throw new XmlError(`expected an element name at offset ${this.pos}`)
    this.pos++
    while (this.pos < this.s.length && NAME_CHAR.test(this.s[this.pos]!)) {
      if (this.pos - start >= MAX_NAME) throw new XmlError(`an element name is longer than ${MAX_NAME} characters`)
      this.pos++
    }
    return this.s.slice(start, this.pos)
  }

  private skipSpace(): void {
    while (this.pos < this.s.length && isSpace(this.s.charCodeAt(this.pos))) this.pos++
  }
}

function isSpace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d
}

/** Resolves the five predefined entities and numeric references; anything else after `&` is an error. */
function decodeText(run: string, offset: number): string {
  if (!run.includes('&')) return run
  return run.replace(/&([^;&]{0,10});?/g, (whole, body: string) => {
    if (!whole.endsWith(';')) throw new XmlError(`a bare & at offset ${offset} (write &amp;)`)
    const named = ENTITIES.get(body)
    if (named !== undefined) return named
    const numeric = /^#(?:x([0-9A-Fa-f]{1,6})|([0-9]{1,7}))$/.exec(body)
    if (!numeric) throw new XmlError(`unknown entity &${body}; (only &lt; &gt; &amp; &quot; &apos; and &#...; exist here)`)
    const code = numeric[1] !== undefined ? parseInt(numeric[1], 16) : Number(numeric[2])
    if (!isXmlChar(code)) throw new XmlError(`&${body}; is not a valid XML character`)
    return String.fromCodePoint(code)
  })
}

function isXmlChar(code: number): boolean {
  return code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || (code >= 0x10000 && code <= 0x10ffff)
}
