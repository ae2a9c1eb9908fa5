/**
 * Monthly digest: an intro with a byline ("This article was written by … on
 * 2025-02-01."), then entries of `# Title`, a URL line and one paragraph per
 * line, then an outro ("Thanks for reading…") that is not an entry.
 */
import { readDateAtStart } from '../dates.ts'
import { findLinks } from '../links.ts'
import { isBlank, splitLines } from '../paragraphs.ts'
import { cleanTitle } from '../titles.ts'
import { entryDraft, type EntryDraft, type NewsletterFormat, type ParsedBody } from './format.ts'

const HEADING = /^#\s+(.+?)\s*#*\s*$/
const URL_LINE = /^\s*<?(https?:\/\/\S+?)>?\s*$/
const BYLINE_DATE = /\bwritten by\b.*?\bon\s+(.+?)\.?\s*$/i
const BYLINE_AUTHOR = /^Welcome to (\p{Lu}[\p{L}\p{N}_-]*)['’]s\b/u
const OUTRO = /^\s*(?:thanks? (?:you )?for (?:reading|listening)|that['’]s all for|please consider|share this post|subscribe\b|see you next)/i

function parseMonthlyDigest(body: string): ParsedBody {
  const lines = splitLines(body)
  const headings: number[] = []
  lines.forEach((line, index) => {
    if (HEADING.test(line)) headings.push(index + 1)
  })
  const intro = lines.slice(0, (headings[0] ?? lines.length + 1) - 1)
  let factDate = null
  let factAuthor: string[] | null = null
  for (const line of intro) {
    const byline = BYLINE_DATE.exec(line)
    if (byline) factDate = readDateAtStart(byline[1] ?? '')
    const author = BYLINE_AUTHOR.exec(line)
    if (author) factAuthor = [author[1] ?? '']
  }
  const entries: EntryDraft[] = headings.map((start, index) => {
    let end = (headings[index + 1] ?? lines.length + 1) - 1
    if (index === headings.length - 1) {
      const outro = lines.findIndex((line, at) => at >= start && OUTRO.test(line))
      if (outro !== -1) end = outro
    }
    const title = cleanTitle(HEADING.exec(lines[start - 1] ?? '')?.[1] ?? '')
    let cursor = start + 1
    while (cursor <= end && isBlank(lines[cursor - 1] ?? '')) cursor++
    const urlMatch = URL_LINE.exec(lines[cursor - 1] ?? '')
    const url = urlMatch?.[1] ?? null
    const urlLine = url ? cursor : null
    if (url) cursor++
    const paragraphs = lines.slice(cursor - 1, end).filter((line) => !isBlank(line)).map((line) => line.trim())
    const links = paragraphs.flatMap((line) => findLinks(line).map((link) => link.url))
    return entryDraft({ line: start, title: title === '' ? null : title, summary: paragraphs.join('\n\n'), summaryLine: cursor, url, urlLine, links })
  })
  return { entries, facts: { reviewers: factAuthor, date: factDate } }
}

/** The monthly-digest format. */
export const monthlyDigest: NewsletterFormat = {
  name: 'monthly-digest',
  description: 'A digest of `# Title` headings, each followed by the paper URL on its own line and one paragraph per line.',
  detect(body) {
    const pairs = body.match(/^#[ \t]+\S.*\r?\n(?:[ \t]*\r?\n)?[ \t]*<?https?:\/\/\S+[ \t]*$/gm)?.length ?? 0
    return pairs >= 2 ? 0.85 : pairs === 1 ? 0.4 : 0
  },
  parse: parseMonthlyDigest,
}
