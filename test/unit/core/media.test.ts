import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { isInlineImage, safeFileName, sniffMediaType, withTypeExtension } from '../../../src/core/media.js'
import { wellFormed } from '../../../src/core/well-formed-text.js'

const bytes = (...parts: Array<number[] | string>) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))))

describe('sniffMediaType reads the type from the first bytes, never from the name', () => {
  it.each([
    ['JPEG', bytes([0xff, 0xd8, 0xff, 0xe0], 'JFIF'), 'image/jpeg'],
    ['PNG', bytes([0x89], 'PNG', [0x0d, 0x0a, 0x1a, 0x0a]), 'image/png'],
    ['GIF89a', bytes('GIF89a'), 'image/gif'],
    ['WebP', bytes('RIFF', [1, 2, 3, 4], 'WEBPVP8 '), 'image/webp'],
    ['WAV', bytes('RIFF', [1, 2, 3, 4], 'WAVEfmt '), 'audio/wav'],
    ['SILK with WeChat\'s 0x02 prefix', bytes([0x02], '#!SILK_V3'), 'audio/silk'],
    ['SILK without it', bytes('#!SILK_V3'), 'audio/silk'],
    ['AMR', bytes('#!AMR\n'), 'audio/amr'],
    ['MP4', bytes([0, 0, 0, 0x18], 'ftypmp42'), 'video/mp4'],
    ['PDF', bytes('%PDF-1.7'), 'application/pdf'],
    ['SVG (script-capable: never an image)', bytes('<svg xmlns="http://www.w3.org/2000/svg">'), null],
    ['HTML', bytes('<!doctype html><script>'), null],
    ['empty', bytes(), null],
    ['one byte', bytes([0xff]), null],
  ])('%s', (_, input, expected) => {
    expect(sniffMediaType(input)).toBe(expected)
  })

  it('never throws on any bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (input) => {
      const type = sniffMediaType(input)
      expect(type === null || typeof type === 'string').toBe(true)
    }))
  })

  it('lets only raster pictures be shown inline', () => {
    expect(['image/jpeg', 'image/png', 'image/gif', 'image/webp'].every(isInlineImage)).toBe(true)
    expect(['image/svg+xml', 'text/html', 'application/octet-stream', 'image/x-icon'].some(isInlineImage)).toBe(false)
  })
})

describe('safeFileName makes a sender\'s file name safe to show and to put in a header', () => {
  it.each([
    ['../../etc/passwd', 'passwd'],
    ['C:\\Users\\a\\发票.pdf', '发票.pdf'],
    ['发票\u202Efdp.exe', '发票fdp.exe'],
    ['...hidden', 'hidden'],
    ['a\u0000b\nc.txt', 'abc.txt'],
    ['', 'file'],
    ['   ', 'file'],
    [undefined, 'file'],
    ['\ud800.png', '\ufffd.png'],
  ])('%j → %j', (input, expected) => {
    expect(safeFileName(input)).toBe(expected)
  })

  it('for any input: no path separator, no control or format character, well-formed, at most 120 characters, never empty', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (input) => {
      const name = safeFileName(input)
      expect(name).not.toMatch(/[\\/\p{Cc}\p{Cf}\u2028\u2029]/u)
      expect(wellFormed(name)).toBe(name)
      expect([...name].length).toBeLessThanOrEqual(120)
      expect(name.length).toBeGreaterThan(0)
      expect(name.startsWith('.')).toBe(false)
    }))
  })
})

describe('withTypeExtension gives a name without an extension the one of its type', () => {
  it.each([
    ['image', 'image/png', 'image.png'],
    ['file', 'application/pdf', 'file.pdf'],
    ['发票.pdf', 'application/pdf', '发票.pdf'],
    ['photo.jpeg', 'image/png', 'photo.jpeg'],
    ['blob', 'application/octet-stream', 'blob'],
  ])('%s (%s) → %s', (name, type, expected) => {
    expect(withTypeExtension(name, type)).toBe(expected)
  })
})
