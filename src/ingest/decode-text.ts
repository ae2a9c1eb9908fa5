/**
 * A content file's bytes as text: strict UTF-8, a leading byte order mark
 * dropped, and no NUL byte (a file with one is binary). Decoding is most of what
 * reading a large newsletter costs (about 85 ms for 6.5 MB on this project's
 * benchmark machine), so a file read again after an edit is decoded only where
 * its bytes changed: the lines before the first changed byte and after the last
 * one keep the text they had.
 */
import { Buffer } from 'node:buffer'

/** A file's bytes and their text, as {@link decodeContent} made it. */
export interface DecodedText {
  readonly bytes: Uint8Array
  readonly text: string
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true })
/** For the changed lines of a file: a U+FEFF at the start of one is text, not a byte order mark. */
const strictUtf8KeepingBom = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })
const NEWLINE = 0x0a
/** Bytes compared at once while looking for the first (or last) difference. */
const CHUNK = 64 * 1024

/**
 * `bytes` as text, or null when they are not UTF-8 text. With `previous` (the
 * same file before an edit), only the lines that differ from it are decoded;
 * the text is the same as without.
 */
export function decodeContent(bytes: Uint8Array, previous: DecodedText | null = null): string | null {
  if (previous === null) return decodeWhole(bytes)
  const before = previous.bytes
  // The first differing byte, moved back to the start of its line.
  const same = commonPrefixLength(before, bytes)
  const start = same === 0 ? 0 : before.lastIndexOf(NEWLINE, same - 1) + 1
  // The bytes both end with, from the start of a line (newlines are never part of a longer character).
  const tail = commonSuffixLength(before, bytes, Math.min(before.length, bytes.length) - start)
  // (Never from byte 0: a byte order mark there is not in the previous text, and would be text in the new one.)
  const lineAfter = tail === 0 ? -1 : before.indexOf(NEWLINE, Math.max(0, before.length - tail - 1))
  const kept = lineAfter < 0 ? 0 : before.length - (lineAfter + 1)
  const changed = bytes.subarray(start, bytes.length - kept)
  if (changed.includes(0)) return null
  let middle: string
  try {
    // From the first byte, a byte order mark is one; after it, it is text.
    middle = start === 0 ? strictUtf8.decode(changed) : strictUtf8KeepingBom.decode(changed)
  } catch {
    return null
  }
  // Lengths in UTF-16 code units of the text kept at each end (the previous text's byte order mark is not in it).
  const bom = start > 0 && hasByteOrderMark(before) ? 1 : 0
  const head = utf16Length(before, 0, start) - bom
  const end = utf16Length(before, before.length - kept, before.length)
  return previous.text.slice(0, head) + middle + previous.text.slice(previous.text.length - end)
}

function decodeWhole(bytes: Uint8Array): string | null {
  if (bytes.includes(0)) return null
  try {
    return strictUtf8.decode(bytes)
  } catch {
    return null
  }
}

function hasByteOrderMark(bytes: Uint8Array): boolean {
  return bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf
}

/** How many bytes `a` and `b` start with in common. */
function commonPrefixLength(a: Uint8Array, b: Uint8Array): number {
  const limit = Math.min(a.length, b.length)
  let at = 0
  while (at < limit) {
    const end = Math.min(at + CHUNK, limit)
    if (Buffer.compare(a.subarray(at, end), b.subarray(at, end)) !== 0) break
    at = end
  }
  while (at < limit && a[at] === b[at]) at++
  return at
}

/** How many bytes `a` and `b` end with in common, at most `limit`. */
function commonSuffixLength(a: Uint8Array, b: Uint8Array, limit: number): number {
  let length = 0
  while (length < limit) {
    const next = Math.min(length + CHUNK, limit)
    if (Buffer.compare(a.subarray(a.length - next, a.length - length), b.subarray(b.length - next, b.length - length)) !== 0) break
    length = next
  }
  while (length < limit && a[a.length - length - 1] === b[b.length - length - 1]) length++
  return length
}

/** The length in UTF-16 code units of the valid UTF-8 in `bytes[from..to)`: one per character, two for those past U+FFFF. */
function utf16Length(bytes: Uint8Array, from: number, to: number): number {
  let length = 0
  for (let at = from; at < to; at++) {
    const byte = bytes[at]!
    // Continuation bytes (10xxxxxx) add nothing; a four-byte sequence's first byte (11110xxx) counts twice.
    if ((byte & 0xc0) !== 0x80) length += byte >= 0xf0 ? 2 : 1
  }
  return length
}
