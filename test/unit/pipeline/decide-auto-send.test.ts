import { describe, expect, it } from 'vitest'
import { decideAutoSend } from '../../../src/pipeline/decide-auto-send.js'

describe('decideAutoSend', () => {
  it('sends without an agent only when the intent allows it, the match is confident, nothing escalated and the name was not altered', () => {
    for (const intentAllows of [true, false]) {
      for (const confident of [true, false]) {
        for (const escalated of [true, false]) {
          for (const nameAltered of [true, false]) {
            expect(decideAutoSend({ intentAllows, confident, escalated, nameAltered })).toBe(intentAllows && confident && !escalated && !nameAltered)
          }
        }
      }
    }
  })

  it('keeps a reply whose member name had to be neutralised for an agent', () => {
    expect(decideAutoSend({ intentAllows: true, confident: true, escalated: false, nameAltered: true })).toBe(false)
  })
})

describe('decideAutoSend and AI drafts', () => {
  it('never sends an AI draft without an agent, whatever else holds', () => {
    for (const intentAllows of [true, false]) {
      for (const confident of [true, false]) {
        for (const escalated of [true, false]) {
          for (const nameAltered of [true, false]) {
            expect(decideAutoSend({ intentAllows, confident, escalated, nameAltered, aiDrafted: true })).toBe(false)
          }
        }
      }
    }
  })
})
