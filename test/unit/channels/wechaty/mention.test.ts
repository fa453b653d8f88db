import { describe, expect, it } from 'vitest'
import { detectMention } from '../../../../src/channels/wechaty/mention.js'

describe('detectMention (text fallback for mentionSelf)', () => {
  it.each([
    ['@客服助手\u2005我的快递到哪了', ['客服助手'], true, '我的快递到哪了'],
    ['@客服助手 我的快递到哪了', ['客服助手'], true, '我的快递到哪了'],
    ['＠客服助手 全角@也算', ['客服助手'], true, '全角@也算'],
    ['我的快递到哪了 @客服助手', ['客服助手'], true, '我的快递到哪了'],
    ['@小美\u2005发票怎么开', ['客服助手', '小美'], true, '发票怎么开'],
    ['@客服助手-小美 发票怎么开', ['客服助手', '客服助手-小美'], true, '发票怎么开'],
    ['@张三 @客服助手 退款多久到', ['客服助手'], true, '@张三 退款多久到'],
    ['@客服助手小王 你好', ['客服助手'], false, '@客服助手小王 你好'],
    ['客服助手 你好', ['客服助手'], false, '客服助手 你好'],
    ['邮箱 a@客服助手.com', ['客服助手'], false, '邮箱 a@客服助手.com'],
    ['@客服助手', ['客服助手'], true, ''],
    ['@a.b 你好', ['a.b'], true, '你好'],
    ['@axb 你好', ['a.b'], false, '@axb 你好'],
    ['@客服助手 你好', ['', '  '], false, '@客服助手 你好'],
  ])('%s with names %j -> mentioned %s, question %j', (text, names, mentioned, question) => {
    expect(detectMention(text, names)).toEqual({ mentioned, question })
  })
})
