import { describe, expect, it } from 'vitest'
import { decideAutoSend } from '../../../src/pipeline/decide-auto-send.js'

describe('decideAutoSend', () => {
  it('sends without an agent only when the intent allows it, the match is confident and nothing escalated', () => {
    for (const intentAllows of [true, false]) {
      for (const confident of [true, false]) {
        for (const escalated of [true, false]) {
          expect(decideAutoSend({ intentAllows, confident, escalated })).toBe(intentAllows && confident && !escalated)
        }
      }
    }
  })
})
