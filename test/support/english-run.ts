/**
 * The first run of three or more English words in an admin-facing message, once what is verbatim on purpose is taken
 * out: quoted values ("…", '…'), `code`, key paths and identifiers (intents[2].examples, auto_send, logistics.track),
 * and the yaml library's own words that describeYamlError keeps in brackets for errors it does not describe.
 * Undefined when the text reads as Chinese. Used by the tests that keep problems and hints in the admins' language.
 *
 * @example
 * englishRun('intents[0] has no id') // 'has no id'
 * englishRun('intents[0] 缺少 id — 加上 `id: 主题.名称`') // undefined
 */
export function englishRun(text: string): string | undefined {
  const stripped = text
    .replace(/（yaml：[^）]*）/g, '')
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/'(?:[^'\\]|\\.)*'/g, "''")
    .replace(/`[^`]*`/g, '``')
    .replace(/[\w.*-]*[._[\]][\w.*[\]-]*/g, '_')
  return /[A-Za-z]+(?:[,;:.]?\s+[A-Za-z]+){2,}/.exec(stripped)?.[0]
}
