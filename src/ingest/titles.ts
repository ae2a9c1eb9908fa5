/**
 * Cleaning titles as newsletters decorate them: bold markers, emoji (also
 * emoji written out as words, like "⚡️Rocket"), trailing colons, stray spaces.
 */

const EMOJI_RUN = /(?:[\p{Extended_Pictographic}\p{Emoji_Modifier}\u{1F1E6}-\u{1F1FF}\uFE0F\u200D\u20E3])+(?:Rocket|Fire|Zap|Sparkles|Star|Bulb|Pushpin|Link|Brain|Books?)?/gu

/** Remove emoji and the emoji names some editors leave glued to them. */
export function stripEmoji(text: string): string {
  return text.replace(EMOJI_RUN, ' ')
}

/** Clean a title as written: no `**`/`__`, emoji, trailing colons or surrounding quotes. */
export function cleanTitle(text: string): string {
  let title = stripEmoji(text)
    .replace(/\*\*|__/g, '')
    .replace(/\s+/g, ' ')
    .trim()
  title = title.replace(/^[\s:–—-]+/, '').replace(/[\s:]+$/, '')
  if (/^"[^"]+"$/.test(title) || /^“[^”]+”$/.test(title)) title = title.slice(1, -1).trim()
  return title
}

/** Fold a title for comparison: case, punctuation, accents and spacing ignored. */
export function normalizeTitle(title: string): string {
  return title
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
}
