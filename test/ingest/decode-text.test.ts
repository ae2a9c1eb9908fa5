import { describe, expect, it } from 'vitest'
import { decodeContent } from '../../src/ingest/decode-text.ts'

const utf8 = (text: string) => new TextEncoder().encode(text)
const BOM = Uint8Array.of(0xef, 0xbb, 0xbf)
const join = (...parts: Uint8Array[]) => {
  const bytes = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0))
  let at = 0
  for (const part of parts) (bytes.set(part, at), (at += part.length))
  return bytes
}
/** Decoded after `before`, and compared with decoding the whole. */
const again = (before: Uint8Array, after: Uint8Array) => {
  const previous = decodeContent(before)
  expect(previous).not.toBeNull()
  return { incremental: decodeContent(after, { bytes: before, text: previous! }), whole: decodeContent(after) }
}

describe('decodeContent', () => {
  it('decodes strict UTF-8, drops a leading byte order mark, and refuses NUL bytes and invalid sequences', () => {
    expect(decodeContent(utf8('Grüße 🔗\n'))).toBe('Grüße 🔗\n')
    expect(decodeContent(join(BOM, utf8('a\n')))).toBe('a\n')
    expect(decodeContent(utf8('a\0b'))).toBeNull()
    expect(decodeContent(Uint8Array.of(0x61, 0xc3, 0x28))).toBeNull()
  })

  // About 200 kB: several of the chunks compared at once.
  const lines = Array.from({ length: 3000 }, (_, index) => `Line ${index}: naïve café — “quoted” 🔗 ${'x'.repeat(index % 37)}`)
  const text = `${lines.join('\n')}\n`
  const edits: Array<[string, (text: string) => string]> = [
    ['a word appended in the middle', (t) => t.replace('Line 200: ', 'Line 200: edited, ')],
    ['the first line changed', (t) => `Changed ${t}`],
    ['the last line changed', (t) => `${t}one more line with é\n`],
    ['a line removed', (t) => t.replace('Line 123: ', '').replace(/^naïve café — “quoted” 🔗 x*\n/m, '')],
    ['a multi-byte character replaced by another of another length', (t) => t.replace('Line 2300: naïve', 'Line 300: na😀ve')],
    ['two far-apart changes', (t) => t.replace('Line 10: ', 'Line ten: ').replace('Line 2990: ', 'Line 390 (again): ')],
    ['everything replaced', () => 'something else entirely\n'],
    ['emptied', () => ''],
    ['text only added at the end, without a newline', (t) => `${t}tail`],
    ['a line inserted at the start that repeats the old first line', (t) => `${lines[0]}\n${t}`],
    ['CRLF line endings', (t) => t.replaceAll('\n', '\r\n')],
    ['a U+FEFF that starts a changed line after the first', (t) => t.replace('Line 250: ', '\uFEFFLine 250: ')],
  ]
  for (const [name, edit] of edits) {
    it(`gives the text of the whole bytes after an edit: ${name}`, () => {
      const { incremental, whole } = again(utf8(text), utf8(edit(text)))
      expect(whole).toBe(edit(text))
      expect(incremental).toBe(whole)
    })
  }

  it('keeps track of a byte order mark: kept before an edit further on, dropped from the start, and text when an edit moves it off the start', () => {
    const withBom = join(BOM, utf8(text))
    const edited = join(BOM, utf8(text.replace('Line 200: ', 'Line 200: edited, ')))
    expect(again(withBom, edited).incremental).toBe(text.replace('Line 200: ', 'Line 200: edited, '))
    // The old file is the new one's ending: its byte order mark is now inside the text.
    const prefixed = join(utf8('new first line\n'), withBom)
    const { incremental, whole } = again(withBom, prefixed)
    expect(whole).toBe(`new first line\n\uFEFF${text}`)
    expect(incremental).toBe(whole)
    const { incremental: removed } = again(withBom, utf8(text))
    expect(removed).toBe(text)
  })

  it('refuses an edit that makes the bytes binary or invalid, as a whole decode does', () => {
    const before = utf8(text)
    expect(again(before, utf8(text.replace('Line 200', 'Line\0 200'))).incremental).toBeNull()
    const broken = utf8(text)
    broken[utf8(text.slice(0, text.indexOf('café', 5000))).length + 3] = 0xff
    const { incremental, whole } = again(before, broken)
    expect(whole).toBeNull()
    expect(incremental).toBeNull()
  })
})
