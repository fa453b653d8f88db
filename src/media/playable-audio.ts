import { decode, isSilk } from 'silk-wasm'

/** WeChat records voice notes at 24 kHz mono; SILK carries no rate of its own, so decoding assumes it. */
const SILK_SAMPLE_RATE = 24_000

/**
 * A voice note as a browser can play it. WeChat's SILK is not a format any browser plays, so it is decoded to
 * 16-bit PCM in a WAV container (a 60 s note is ~2.9 MB). Anything else is returned as it is, with its type.
 * Throws when the bytes claim to be SILK and do not decode.
 *
 * @example
 * const { data, mimeType } = await toPlayableAudio(silkBytes, 'audio/silk')   // mimeType 'audio/wav'
 */
export async function toPlayableAudio(bytes: Buffer, mimeType: string): Promise<{ data: Buffer; mimeType: string }> {
  if (!isSilk(bytes)) return { data: bytes, mimeType }
  const pcm = await decode(bytes, SILK_SAMPLE_RATE)
  return { data: wavOf(Buffer.from(pcm.data.buffer, pcm.data.byteOffset, pcm.data.byteLength), SILK_SAMPLE_RATE), mimeType: 'audio/wav' }
}

/** 16-bit mono PCM in a canonical 44-byte WAV header. Pure. */
export function wavOf(pcm: Buffer, sampleRate: number): Buffer {
  const header = Buffer.alloc(44)
  header.write('RIFF', 0, 'ascii')
  header.writeUInt32LE(36 + pcm.length, 4)
  header.write('WAVE', 8, 'ascii')
  header.write('fmt ', 12, 'ascii')
  header.writeUInt32LE(16, 16) // fmt chunk size
  header.writeUInt16LE(1, 20) // PCM
  header.writeUInt16LE(1, 22) // mono
  header.writeUInt32LE(sampleRate, 24)
  header.writeUInt32LE(sampleRate * 2, 28) // bytes per second
  header.writeUInt16LE(2, 32) // bytes per frame
  header.writeUInt16LE(16, 34) // bits per sample
  header.write('data', 36, 'ascii')
  header.writeUInt32LE(pcm.length, 40)
  return Buffer.concat([header, pcm])
}
