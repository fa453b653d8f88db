/** Shortest password accepted anywhere one is set (console, CLI, API). */
export const MIN_PASSWORD = 10

// Passwords every guessing list starts with, long enough to pass the length rule (compared NFKC, lower case).
const WEAK = new Set([
  '1234567890', '0123456789', '9876543210', '12345678910', '123456789a', 'a123456789', '1234567890a', '123123123123',
  '1q2w3e4r5t', '1qaz2wsx3edc', 'qwertyuiop', 'qwerty1234', 'qwerty12345', 'qwerty123456', 'qazwsxedc123', 'zxcvbnm123',
  'asdfghjkl1', 'password12', 'password123', 'password1234', 'passw0rd123', 'p@ssw0rd123', 'admin12345', 'admin123456',
  'administrator', 'adminadmin', 'changeme123', 'iloveyou123', 'abc1234567', 'abcd123456', 'abcdefghij', 'woaini1314',
  'woaini5201314', '5201314520', 'qundesk123', 'qundesk1234', 'welcome123', 'letmein123', 'football123',
])

/**
 * Why a password may not be used, or undefined when it may. Beyond the length: not blank, not one or two characters
 * over and over (`aaaaaaaaaa`, `1212121212`), not a plain run (`abcdefghij`, `9876543210`), and not one of the
 * passwords every guessing list starts with.
 *
 * @example
 * passwordProblem('aaaaaaaaaa')          // '密码不能是同一个或几个字符的重复'
 * passwordProblem('足够长的密码-123456')   // undefined
 */
export function passwordProblem(password: string): string | undefined {
  if (password.length < MIN_PASSWORD) return `密码至少 ${MIN_PASSWORD} 个字符`
  if (/^[\s\p{Cc}\p{Cf}]*$/u.test(password)) return '密码不能全是空白'
  const plain = password.normalize('NFKC').toLowerCase()
  const chars = Array.from(plain)
  if (/^(.{1,3})\1+$/u.test(plain)) return '密码不能是同一个或几个字符的重复'
  const steps = chars.slice(1).map((c, i) => c.codePointAt(0)! - chars[i]!.codePointAt(0)!)
  if (steps.every((s) => s === 1) || steps.every((s) => s === -1)) return '密码不能是连续的字母或数字（如 abcdefghij、1234567890）'
  if (WEAK.has(plain.trim())) return '这个密码太常见，请换一个'
  return undefined
}
