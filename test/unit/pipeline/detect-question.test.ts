import { describe, expect, it } from 'vitest'
import { detectQuestion } from '../../../src/pipeline/detect-question.js'
import type { MessageContext } from '../../../src/pipeline/message-context.js'

function contextFor(question: string, mentionsBot = true): MessageContext {
  return { message: { mentionsBot, question }, log: undefined, outcome: 'handled' } as unknown as MessageContext
}

async function run(question: string, mentionsBot = true): Promise<{ outcome: string; continued: boolean }> {
  const ctx = contextFor(question, mentionsBot)
  let continued = false
  await detectQuestion(ctx, async () => {
    continued = true
  })
  return { outcome: ctx.outcome, continued }
}

describe('detectQuestion', () => {
  it('passes an @-mentioned question on', async () => {
    expect(await run('我的快递到哪了')).toEqual({ outcome: 'handled', continued: true })
  })

  it('ignores chatter that does not mention the bot, and empty mentions', async () => {
    expect(await run('我的快递到哪了', false)).toEqual({ outcome: 'ignored', continued: false })
    expect(await run('  ')).toEqual({ outcome: 'ignored', continued: false })
  })

  it.each([['好的谢谢'], ['收到👍'], ['ok'], ['嗯嗯'], ['知道了'], ['謝謝']])(
    'an @-mention that only says 「%s」 is not a question: no suggestion, no miss',
    async (text) => {
      expect(await run(text)).toEqual({ outcome: 'ignored', continued: false })
    },
  )

  it('a thanks followed by a question is still a question', async () => {
    expect(await run('谢谢，那发票怎么开')).toEqual({ outcome: 'handled', continued: true })
  })
})
