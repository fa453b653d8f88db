import { describe, expect, it } from 'vitest'
import { toPlayableAudio, wavOf } from '../../../src/media/playable-audio.js'
import { makeSilkVoice } from '../../support/media-fixtures.js'

describe('toPlayableAudio turns a WeChat voice note into audio a browser plays', () => {
  it('decodes SILK to 16-bit mono WAV at 24 kHz of the note\'s length', async () => {
    const { data, mimeType } = await toPlayableAudio(await makeSilkVoice(1), 'audio/silk')
    expect(mimeType).toBe('audio/wav')
    expect(data.subarray(0, 4).toString('latin1')).toBe('RIFF')
    expect(data.readUInt32LE(4)).toBe(data.length - 8)
    expect(data.readUInt16LE(22)).toBe(1) // mono
    expect(data.readUInt32LE(24)).toBe(24_000)
    const seconds = data.readUInt32LE(40) / (24_000 * 2)
    expect(seconds).toBeGreaterThanOrEqual(1)
    expect(seconds).toBeLessThan(1.2)
  })

  it('passes anything that is not SILK through with its type', async () => {
    const mp3 = Buffer.from('ID3\u0003\u0000\u0000', 'latin1')
    expect(await toPlayableAudio(mp3, 'audio/mpeg')).toEqual({ data: mp3, mimeType: 'audio/mpeg' })
  })

  it('writes a WAV header whose sizes add up', () => {
    const wav = wavOf(Buffer.alloc(10), 8000)
    expect(wav.length).toBe(54)
    expect(wav.readUInt32LE(40)).toBe(10)
    expect(wav.readUInt32LE(28)).toBe(16_000)
  })
})
