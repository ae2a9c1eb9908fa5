/** Excerpts: the opening of a summary's plain text, shown in listings and search results. */

const EXCERPT_LENGTH = 260

/** The first ~260 characters of `text`, cut at a word boundary; empty only for empty text. */
export function excerptOf(text: string): string {
  if (text.length <= EXCERPT_LENGTH) return text
  const cut = text.slice(0, EXCERPT_LENGTH)
  const boundary = cut.lastIndexOf(' ')
  return `${cut.slice(0, boundary > 160 ? boundary : EXCERPT_LENGTH).replace(/[\s,.;:–—-]+$/, '')}…`
}
