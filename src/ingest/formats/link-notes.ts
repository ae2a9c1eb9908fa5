/**
 * Link notes: personal notes where each paper is a `##`/`###` heading holding a
 * Markdown link, `## [Title](url)`, followed by free Markdown notes. Links inside
 * the notes are further reading, not new papers.
 */
import { findLinks } from '../links.ts'
import { isBlank, splitLines, textBetween } from '../paragraphs.ts'
import { cleanTitle } from '../titles.ts'
import { entryDraft, type EntryDraft, type NewsletterFormat, type ParsedBody, type FormatContext } from './format.ts'

const LINK_HEADING = /^#{1,3}\s+\[([^\]]+)\]\(\s*<?([^)\s>]+)>?\s*\)\s*#*\s*$/
const EMPTY_LIST_ITEM = /^\s*(?:[-*+]|\d+[.)])\s*$/

function parseLinkNotes(body: string, context: FormatContext): ParsedBody {
  const lines = splitLines(body)
  const headings: number[] = []
  lines.forEach((line, index) => {
    if (LINK_HEADING.test(line)) headings.push(index + 1)
  })
  const entries: EntryDraft[] = headings.map((start, index) => {
    const isLast = index === headings.length - 1
    let end = (headings[index + 1] ?? lines.length + 1) - 1
    const [, label = '', url = ''] = LINK_HEADING.exec(lines[start - 1] ?? '') ?? []
    // Drop empty list items at the end: they render as empty bullets.
    let trimmedEmptyItem = false
    while (end > start && (isBlank(lines[end - 1] ?? '') || EMPTY_LIST_ITEM.test(lines[end - 1] ?? ''))) {
      if (EMPTY_LIST_ITEM.test(lines[end - 1] ?? '')) trimmedEmptyItem = true
      end--
    }
    if (isLast && trimmedEmptyItem) {
      context.report('truncated-entry', 'The last entry stops at an empty list item; the file looks cut off', end + 1)
    }
    const links: string[] = []
    for (let line = start + 1; line <= end; line++) {
      for (const link of findLinks(lines[line - 1] ?? '')) if (!links.includes(link.url)) links.push(link.url)
    }
    const title = cleanTitle(label)
    return entryDraft({ line: start, title: title === '' ? null : title, summary: textBetween(lines, start + 1, end), summaryLine: start + 1, url, urlLine: start, links })
  })
  return { entries, facts: { reviewers: null, date: null } }
}

/** The link-notes format. */
export const linkNotes: NewsletterFormat = {
  name: 'link-notes',
  description: 'Notes where each paper is a heading `## [Title](url)` followed by free Markdown.',
  detect(body) {
    const headings = body.match(/^#{1,3}[ \t]+\[[^\]]+\]\([^)\s]+\)[ \t]*$/gm)?.length ?? 0
    return headings >= 2 ? 0.85 : headings === 1 ? 0.4 : 0
  },
  parse: parseLinkNotes,
}
