/**
 * Finding links in a line of newsletter text: autolinks (`<https://…>`),
 * Markdown links (`[label](url)`, including the placeholder `(#)`) and bare URLs.
 */

/** A link found in a line. */
export interface FoundLink {
  /** The target as written; `#` for a placeholder link. */
  readonly url: string
  /** The link label, or null for autolinks and bare URLs. */
  readonly label: string | null
  /** Offset of the whole link syntax in the line. */
  readonly start: number
  readonly end: number
}

const LINK_SYNTAX = /\[([^\]\n]*)\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)|<(https?:\/\/[^>\s]+)>|(https?:\/\/[^\s<>()\[\]]+(?:\([^\s()]*\)[^\s<>()\[\]]*)*)/g

/** All links in `line`, left to right. */
export function findLinks(line: string): FoundLink[] {
  const links: FoundLink[] = []
  // Every kind of link has one of these: most lines of a review have none, and are not searched.
  if (!line.includes('](') && !line.includes('://')) return links
  for (const match of line.matchAll(LINK_SYNTAX)) {
    const [whole, label, markdownUrl, autolinkUrl, bareUrl] = match
    const start = match.index
    if (markdownUrl !== undefined) {
      links.push({ url: markdownUrl, label: label ?? '', start, end: start + whole.length })
    } else if (autolinkUrl !== undefined) {
      links.push({ url: autolinkUrl, label: null, start, end: start + whole.length })
    } else if (bareUrl !== undefined) {
      const url = bareUrl.replace(/[.,;:!?'"*]+$/, '')
      links.push({ url, label: null, start, end: start + url.length })
    }
  }
  return links
}

/** True for an http(s) URL: the only links a page may carry (never `javascript:` or `data:`). */
export function isWebUrl(url: string): boolean {
  return /^https?:\/\/[^\s/?#]+/i.test(url.trim())
}

/** True for the placeholder targets newsletters leave when the real link is missing. */
export function isPlaceholderUrl(url: string): boolean {
  return url === '#' || url === '' || /^(?:url|link|todo|tbd)$/i.test(url)
}

const NON_PAPER_HOSTS = /^(?:https?:\/\/)?(?:www\.)?(?:twitter\.com|x\.com|youtube\.com|youtu\.be|t\.me|linkedin\.com|reddit\.com|news\.ycombinator\.com)\b/i
const CODE_REPOSITORY = /^(?:https?:\/\/)?(?:www\.)?(?:github\.com|gitlab\.com|huggingface\.co)\/[^/]+\/[^/]+\/?$/i

/**
 * True when a URL plausibly points at a paper rather than a social post or a bare
 * code repository: used to decide whether a link line ends a review.
 */
export function looksLikePaperUrl(url: string): boolean {
  if (isPlaceholderUrl(url)) return false
  return !NON_PAPER_HOSTS.test(url) && !CODE_REPOSITORY.test(url)
}

const LINK_LABEL_WORDS = /^(?:[\s\W]|read|the|full|paper|papers|link|links|to|here|article|pdf|arxiv|source|this|on|at|original|see)*$/i

/** A line that holds nothing but the link to the reviewed paper (and perhaps a short label). */
export interface LinkLine {
  readonly link: FoundLink
  /** Text around the link that is more than a label ("Really interesting paper..."), or null. */
  readonly remark: string | null
}

/**
 * Read `line` as a paper-link line: one link to a paper (or a placeholder) with at
 * most a short label around it. Returns null for ordinary text that mentions a link.
 */
export function readLinkLine(line: string): LinkLine | null {
  const links = findLinks(line)
  const first = links[0]
  if (!first) return null
  if (!looksLikePaperUrl(first.url) && !isPlaceholderUrl(first.url)) return null
  let outside = line
  for (const link of [...links].reverse()) outside = outside.slice(0, link.start) + ' ' + outside.slice(link.end)
  const remark = outside.replace(/\s+/g, ' ').trim()
  if (remark.length > 60) return null
  return { link: first, remark: LINK_LABEL_WORDS.test(remark) ? null : remark }
}
