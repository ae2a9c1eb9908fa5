/**
 * Lines and paragraphs of a body, with 1-based line numbers kept, so every
 * parser can point messages at the line where something is.
 */

/** A run of non-blank lines. */
export interface Paragraph {
  /** 1-based line of the first line. */
  readonly start: number
  /** 1-based line of the last line. */
  readonly end: number
  readonly lines: readonly string[]
}

/** Split text into lines, dropping `\r` of CRLF endings. */
export function splitLines(text: string): string[] {
  return text.split('\n').map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line))
}

/** True for a line with nothing but white space (including no-break and zero-width spaces). */
export function isBlank(line: string): boolean {
  return /^[\s\u00a0\u200b\ufeff]*$/.test(line)
}

/** Paragraphs among `lines[from-1 .. to-1]` (1-based, inclusive range). */
export function paragraphsIn(lines: readonly string[], from: number, to: number): Paragraph[] {
  const paragraphs: Paragraph[] = []
  let current: string[] = []
  let start = 0
  for (let line = from; line <= to; line++) {
    const text = lines[line - 1] ?? ''
    if (isBlank(text)) {
      if (current.length > 0) paragraphs.push({ start, end: line - 1, lines: current })
      current = []
    } else {
      if (current.length === 0) start = line
      current.push(text)
    }
  }
  if (current.length > 0) paragraphs.push({ start, end: to, lines: current })
  return paragraphs
}

/** Join lines `from..to` (1-based, inclusive) and trim blank lines at both ends. */
export function textBetween(lines: readonly string[], from: number, to: number): string {
  const slice = lines.slice(from - 1, Math.max(from - 1, to))
  while (slice.length > 0 && isBlank(slice[0] ?? '')) slice.shift()
  while (slice.length > 0 && isBlank(slice[slice.length - 1] ?? '')) slice.pop()
  return slice.map(trimTrailingSpaces).join('\n')
}

/** `line` without the spaces and tabs it ends with (as `/[ \t]+$/` would remove, without trying the pattern at every space). */
function trimTrailingSpaces(line: string): string {
  let end = line.length
  while (end > 0 && (line.charCodeAt(end - 1) === 32 || line.charCodeAt(end - 1) === 9)) end--
  return end === line.length ? line : line.slice(0, end)
}
