/**
 * URL slugs for papers without an arXiv id: lower-case ASCII words joined by
 * hyphens, cut at a word boundary so URLs stay readable.
 */

const LONGEST_SLUG = 60

/** "Machine Super Intelligence" → "machine-super-intelligence". */
export function slugify(text: string): string {
  const words = text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/['’]/g, '')
    .split(/[^a-z0-9]+/)
    .filter(Boolean)
  let slug = ''
  for (const word of words) {
    const next = slug ? `${slug}-${word}` : word
    if (next.length > LONGEST_SLUG && slug) break
    slug = next.slice(0, LONGEST_SLUG)
  }
  return slug
}
