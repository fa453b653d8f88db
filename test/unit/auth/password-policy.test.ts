import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { MIN_PASSWORD, passwordProblem } from '../../../src/auth/password-policy.js'

describe('passwordProblem', () => {
  it.each([
    ['too short', 'short', '至少 10 个字符'],
    ['ten spaces', ' '.repeat(10), '全是空白'],
    ['tabs and ideographic spaces', '\t\u3000\t\u3000\t\u3000\t\u3000\t\u3000', '全是空白'],
    ['one repeated letter', 'aaaaaaaaaa', '重复'],
    ['one repeated digit', '1111111111', '重复'],
    ['one repeated Chinese character', '密'.repeat(12), '重复'],
    ['two characters over and over', '1212121212', '重复'],
    ['a plain run of digits', '0123456789', '连续'],
    ['the most common password', '1234567890', '常见'],
    ['a plain run backwards', '9876543210', '连续'],
    ['a plain run of letters', 'abcdefghij', '连续'],
    ['fullwidth digits in a row', '０１２３４５６７８９', '连续'],
    ['a common password', 'password123', '常见'],
    ['a common password in capitals', 'Password123', '常见'],
    ['a keyboard walk', 'qwertyuiop', '常见'],
    ['admin123456', 'admin123456', '常见'],
  ])('refuses %s', (_case, password, message) => {
    expect(passwordProblem(password)).toContain(message)
  })

  it.each(['坐席密码-0123456789', '足够长的密码-123456', 'correct-horse-battery-9', '          x'])('accepts %s', (password) => {
    expect(passwordProblem(password)).toBeUndefined()
  })

  it('refuses every password shorter than the minimum and every single character repeated', () => {
    fc.assert(fc.property(fc.string({ maxLength: MIN_PASSWORD - 1 }), (p) => {
      expect(passwordProblem(p)).toBeDefined()
    }))
    fc.assert(fc.property(fc.string({ minLength: 1, maxLength: 1 }), fc.integer({ min: MIN_PASSWORD, max: 40 }), (c, n) => {
      expect(passwordProblem(c.repeat(n))).toBeDefined()
    }))
  })
})
