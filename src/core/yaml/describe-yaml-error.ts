/**
 * The yaml library's syntax errors in Chinese, for admins who edit knowledge and rules files.
 *
 * The library writes its messages in English. The ones hand edits produce are said here in full; others get a
 * Chinese summary by error code, with the library's own words in brackets so the detail is not lost (and a
 * search for them still finds the library's documentation).
 */

/** Messages said in full: tested against the library's wording (yaml 2.9), most specific first. */
const MESSAGES: ReadonlyArray<readonly [RegExp, (m: RegExpExecArray) => string]> = [
  [/^Flow sequence in block collection must be sufficiently indented and end with a \]/, () => '[ … ] 列表没有用 ] 结束，或缩进不够'],
  [/^Flow mapping in block collection must be sufficiently indented and end with a \}/, () => '{ … } 没有用 } 结束，或缩进不够'],
  [/^Flow (sequence|mapping)/, (m) => (m[1] === 'sequence' ? '[ … ] 列表没有闭合' : '{ … } 没有闭合')],
  [/^Tabs are not allowed as indentation/, () => '行首不能用 Tab 缩进'],
  [/^Map keys must be unique/, () => '同一层里有重复的键'],
  [/^Missing closing "quote/, () => '双引号 " 没有闭合'],
  [/^Missing closing 'quote/, () => "单引号 ' 没有闭合"],
  [/^Implicit keys need to be on a single line/, () => '键必须写在一行里'],
  [/^Implicit map keys need to be followed by map values/, () => '键后面缺少值（“键: 值”）'],
  [/^Nested mappings are not allowed in compact mappings/, () => '同一行里不能再嵌套“键: 值”'],
  [/^A block sequence may not be used as an implicit map key/, () => '列表不能当作键'],
  [/^All sequence items must start at the same column/, () => '同一个列表的各项（- 开头）没有对齐'],
  [/^All mapping items must start at the same column/, () => '同一层的键没有对齐'],
  [/^Plain value cannot start with a tab character/, () => '不加引号的文字不能以 Tab 开头'],
  // "reserved character @", "directive indicator character %", "block scalar indicator |", "flow indicator character ,"
  [/^Plain value cannot start with [a-z ]*?(\S+)$/, (m) => `不加引号的文字不能以 ${m[1]} 开头`],
  [/^Source contains multiple documents/, () => '文件里有多个 YAML 文档（--- 分隔）'],
  [/^Comments must be separated from other tokens by white space characters/, () => '注释的 # 前面要有空格'],
  [/^Sequence item without - indicator/, () => '列表项缺少开头的 -'],
  [/^Missing , between (flow sequence|flow map) items/, () => '[ … ] 或 { … } 里的各项之间缺少逗号'],
  [/^Invalid escape sequence (.+)$/, (m) => `双引号里的转义 ${m[1]} 无效`],
  [/^Block collections are not allowed within flow collections/, () => '[ … ] 或 { … } 里不能换行写“- 项”或“键: 值”'],
]

/** By error code, when the message is not one of the above. */
const BY_CODE: Readonly<Record<string, string>> = {
  BAD_INDENT: '缩进不对',
  MISSING_CHAR: '缺少字符（引号、括号、逗号或冒号后的空格）',
  UNEXPECTED_TOKEN: '这里不应出现这个符号',
  MULTILINE_IMPLICIT_KEY: '键必须写在一行里',
  BLOCK_AS_IMPLICIT_KEY: '键的写法不对',
  BLOCK_IN_FLOW: '[ … ] 或 { … } 里不能换行写多行结构',
  BAD_SCALAR_START: '文字以特殊字符开头，需要加引号',
  BAD_ALIAS: '锚点（&）或别名（*）写法不对',
  TAG_RESOLVE_FAILED: '不认识的 YAML 标签（!）',
  DUPLICATE_KEY: '同一层里有重复的键',
  TAB_AS_INDENT: '行首不能用 Tab 缩进',
  MULTIPLE_DOCS: '文件里有多个 YAML 文档（--- 分隔）',
  KEY_OVER_1024_CHARS: '键太长（超过 1024 个字符）',
}

/**
 * One yaml parse error as a short Chinese phrase (without the "YAML 语法错误：" lead-in).
 *
 * @example
 * describeYamlError({ code: 'TAB_AS_INDENT', message: 'Tabs are not allowed as indentation' }) // '行首不能用 Tab 缩进'
 * describeYamlError({ code: 'BAD_INDENT', message: 'Something new' }) // '缩进不对（yaml：Something new）'
 */
export function describeYamlError(error: { code: string; message: string }): string {
  // With prettyErrors off the message is one line; keep only that, in case a later version adds context.
  const message = error.message.split('\n')[0]!.trim()
  for (const [pattern, say] of MESSAGES) {
    const match = pattern.exec(message)
    if (match) return say(match)
  }
  const summary = BY_CODE[error.code] ?? '写法不对'
  return `${summary}（yaml：${message}）`
}
