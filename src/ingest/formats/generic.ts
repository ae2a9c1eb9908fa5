/**
 * The fallback for files in no known format: every Markdown heading (`#`…`######`)
 * or HTML heading (`<h1>`…`<h6>`) starts an entry, and the entry's paper is the
 * link in its heading or the first paper-like link below it. Headings with no
 * link anywhere in their entry are reported and skipped, since they are
 * usually section titles, not papers.
 */
import { findLinks, looksLikePaperUrl, isPlaceholderUrl } from '../links.ts'
import { splitLines, textBetween } from '../paragraphs.ts'
import { cleanTitle } from '../titles.ts'
import { entryDraft, type EntryDraft, type FormatContext, type NewsletterFormat, type ParsedBody } from './format.ts'

const MARKDOWN_HEADING = /^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$/
const HTML_HEADING = /^\s*<h[1-6][^>]*>(.*?)<\/h[1-6]>\s*$/i

function headingText(line: string): string | null {
  return MARKDOWN_HEADING.exec(line)?.[1] ?? HTML_HEADING.exec(line)?.[1] ?? null
}

function parseGeneric(body: string, context: FormatContext): ParsedBody {
  const lines = splitLines(body)
  const headings: number[] = []
  lines.forEach((line, index) => {
    if (headingText(line) !== null) headings.push(index + 1)
  })
  const entries: EntryDraft[] = []
  headings.forEach((start, index) => {
    const end = (headings[index + 1] ?? lines.length + 1) - 1
    const heading = headingText(lines[start - 1] ?? '') ?? ''
    const headingLinks = findLinks(heading)
    let url = headingLinks[0]?.url ?? null
    let urlLine: number | null = url ? start : null
    const links: string[] = []
    for (let line = start + 1; line <= end; line++) {
      for (const link of findLinks(lines[line - 1] ?? '')) {
        if (url === null && (looksLikePaperUrl(link.url) || isPlaceholderUrl(link.url))) {
          url = link.url
          urlLine = line
        } else if (!links.includes(link.url)) {
          links.push(link.url)
        }
      }
    }
    if (url === null) {
      context.report('unparsed-block', `Heading "${cleanTitle(heading.replace(/<[^>]+>/g, ''))}" has no paper link, so it was not read as a review`, start)
      return
    }
    const labelled = headingLinks[0]?.label
    const title = cleanTitle((labelled ?? heading).replace(/<[^>]+>/g, '').replace(/\[([^\]]*)\]\([^)]*\)/g, '$1'))
    entries.push(entryDraft({ line: start, title: title === '' ? null : title, summary: textBetween(lines, start + 1, end), summaryLine: start + 1, url, urlLine, links }))
  })
  return { entries, facts: { reviewers: null, date: null } }
}

/** The generic fallback format. */
export const generic: NewsletterFormat = {
  name: 'generic',
  description: 'Fallback: Markdown or HTML headings, each entry with a paper link.',
  detect(body) {
    const hasHeading = /^\s{0,3}#{1,6}\s+\S|<h[1-6][\s>]/im.test(body)
    const hasLink = /https?:\/\//.test(body)
    return hasHeading && hasLink ? 0.1 : 0
  },
  parse: parseGeneric,
}
