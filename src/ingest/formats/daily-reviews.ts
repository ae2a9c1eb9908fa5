/**
 * Daily reviews: a long feed of posts, each opening with a header such as
 * "Mike's Daily Paper - 28.11.24: Title" (with many variants) and usually closing
 * with a line holding the paper link.
 *
 * What the real feeds do, and how it is read:
 * - header variants: "Daily Paper/Article/Post", "Daily Paper Review", bold-wrapped
 *   headers, emoji decoration, typographic apostrophes, co-reviewers
 *   ("Yaniv's and Mike's", "Omri & Mike's");
 * - the title on the header line, or in the paragraph after it (which may run over
 *   two lines inside `**…**`), or after "A joint review by X and Y of the paper:";
 * - the review ends at its link line; text between that line and the next header is
 *   a headline for the next review (one short line), a chatbot remark (dropped), a
 *   postscript (kept with the review), or a whole review posted without a header.
 */
import { readDateAtStart, type WrittenDate } from '../dates.ts'
import { findLinks, looksLikePaperUrl, readLinkLine } from '../links.ts'
import { isChatbotRemark } from '../chatbot-remarks.ts'
import { isBlank, paragraphsIn, splitLines, textBetween, type Paragraph } from '../paragraphs.ts'
import { cleanTitle, stripEmoji } from '../titles.ts'
import type { EntryDraft, FormatContext, NewsletterFormat, ParsedBody } from './format.ts'

const NAME = String.raw`\p{Lu}[\p{L}-]*`
const HEADER = new RegExp(
  String.raw`^[\s*_>#]*(?:[\p{Extended_Pictographic}\uFE0F\u200D]+[A-Za-z]*\s*)*` +
    String.raw`((?:${NAME}(?:['’]s)?\s*(?:,|\band\b|&)\s*)*${NAME})['’]s\s*Daily\s*(?:Paper|Article|Post)(?:\s+Review)?(?![\p{L}])(.*)$`,
  'u',
)
const NAME_SEPARATOR = /\s*(?:,|\band\b|&)\s*/
const JOINT_REVIEW = /^\s*(?:\*\*)?A joint review by (.+?)(?:\s+of\b.*)?[:.]?(?:\*\*)?\s*$/i
const LONGEST_TITLE = 250
const LONGEST_HEADLINE = 160

/** A parsed header line. */
interface DailyHeader {
  readonly line: number
  readonly reviewers: string[]
  readonly date: WrittenDate | null
  /** Title text on the header line (may be empty). */
  readonly title: string
  /** True when the header opens a `**` that a later line closes. */
  readonly boldOpen: boolean
}

/** Read a header line, or null when `text` is not one. */
export function readDailyHeader(text: string, line: number): DailyHeader | null {
  const match = HEADER.exec(text)
  if (!match) return null
  const [, names = '', rest = ''] = match
  const reviewers = names
    .split(NAME_SEPARATOR)
    .map((name) => name.replace(/['’]s$/, '').trim())
    .filter((name) => name.length > 0)
  let remainder = stripEmoji(rest).replace(/^[\s,:*–—-]*/, '')
  const date = readDateAtStart(remainder)
  if (date) remainder = remainder.slice(date.written.length)
  const boldMarkers = (text.match(/\*\*/g) ?? []).length
  return { line, reviewers, date, title: cleanTitle(remainder), boldOpen: boldMarkers % 2 === 1 }
}

/** Where an entry's text ends and what link closed it. */
interface EntryBody {
  readonly summaryEnd: number
  readonly url: string | null
  readonly urlLine: number | null
  /** Label text on the link line worth keeping ("Really interesting paper..."). */
  readonly remark: string | null
  /** First line after the link line (or `to + 1` when there was no link). */
  readonly trailerStart: number
}

/** The trailing text after a review's link, sorted out. */
interface Trailer {
  readonly postscript: string | null
  readonly headerless: EntryDraft[]
  readonly headline: string | null
}

class DailyParser {
  private readonly lines: string[]
  private readonly context: FormatContext

  constructor(body: string, context: FormatContext) {
    this.lines = splitLines(body)
    this.context = context
  }

  parse(): ParsedBody {
    const headers: DailyHeader[] = []
    this.lines.forEach((text, index) => {
      const header = readDailyHeader(text, index + 1)
      if (header) headers.push(header)
    })
    const entries: EntryDraft[] = []
    const lastLine = this.lines.length
    // Text before the first header is read like a trailer with no review before it.
    const firstHeaderLine = headers[0]?.line ?? lastLine + 1
    let pending = this.readTrailer(1, firstHeaderLine - 1, null, headers.length > 0)
    entries.push(...pending.headerless)
    headers.forEach((header, index) => {
      const regionEnd = (headers[index + 1]?.line ?? lastLine + 1) - 1
      const entry = this.readHeaderedEntry(header, regionEnd, pending.headline)
      const trailer = this.readTrailer(entry.body.trailerStart, regionEnd, entry.draft, index + 1 < headers.length)
      entries.push(withPostscript(entry.draft, trailer.postscript), ...trailer.headerless)
      pending = trailer
    })
    return { entries, facts: { reviewers: null, date: null } }
  }

  private readHeaderedEntry(header: DailyHeader, regionEnd: number, headline: string | null): { draft: EntryDraft; body: EntryBody } {
    let title = header.title
    let cursor = header.line + 1
    let reviewers = header.reviewers
    if (header.boldOpen && title === '') {
      // "**Mike's Daily Paper - 03.01.25:" — the title runs on until the closing "**".
      const collected: string[] = []
      while (cursor <= regionEnd && collected.length < 4) {
        const text = this.lines[cursor - 1] ?? ''
        cursor++
        if (isBlank(text)) break
        collected.push(text)
        if (text.includes('**')) break
      }
      title = cleanTitle(collected.join(' '))
    }
    if (title === '') {
      let paragraph = this.nextParagraph(cursor, regionEnd)
      const joint = paragraph && paragraph.lines.length === 1 ? JOINT_REVIEW.exec(paragraph.lines[0] ?? '') : null
      if (paragraph && joint) {
        reviewers = mergeReviewers(firstNames(joint[1] ?? ''), reviewers)
        cursor = paragraph.end + 1
        paragraph = this.nextParagraph(cursor, regionEnd)
      }
      if (paragraph && isTitleLike(paragraph)) {
        title = cleanTitle(paragraph.lines.join(' '))
        cursor = paragraph.end + 1
      }
    }
    const body = this.readBody(cursor, regionEnd)
    const summary = textBetween(this.lines, cursor, body.summaryEnd)
    return {
      body,
      draft: {
        line: header.line,
        title: title === '' ? null : title,
        date: header.date,
        dateInherited: false,
        reviewers,
        summary: body.remark ? `${summary}\n\n${body.remark}` : summary,
        summaryLine: cursor,
        url: body.url,
        urlLine: body.urlLine,
        links: this.otherLinks(cursor, body.summaryEnd),
        headline,
      },
    }
  }

  /** Find the link line that ends a review starting at `from`. */
  private readBody(from: number, to: number): EntryBody {
    for (const paragraph of paragraphsIn(this.lines, from, to)) {
      if (paragraph.lines.length !== 1) continue
      const linkLine = readLinkLine(paragraph.lines[0] ?? '')
      if (!linkLine) continue
      return {
        summaryEnd: paragraph.start - 1,
        url: linkLine.link.url,
        urlLine: paragraph.start,
        remark: linkLine.remark,
        trailerStart: paragraph.end + 1,
      }
    }
    // No link line: the paper link may close the last paragraph ("… worth a read. <https://…>").
    const last = paragraphsIn(this.lines, from, to).at(-1)
    const lastLine = last?.lines.at(-1) ?? ''
    const closing = findLinks(lastLine).at(-1)
    if (last && closing && looksLikePaperUrl(closing.url) && /^[\s.)>]*$/.test(lastLine.slice(closing.end))) {
      return { summaryEnd: to, url: closing.url, urlLine: last.end, remark: null, trailerStart: to + 1 }
    }
    return { summaryEnd: to, url: null, urlLine: null, remark: null, trailerStart: to + 1 }
  }

  /**
   * Sort out the text between a review's link and the next header (or the end of
   * the file): chatbot remarks and lone punctuation are dropped, a repeated link is
   * ignored, a last short line is the next review's headline, a run with its own
   * paper link is a review posted without a header, anything else is a postscript.
   */
  private readTrailer(from: number, to: number, previous: EntryDraft | null, headerFollows: boolean): Trailer {
    const remaining: Paragraph[] = []
    for (const paragraph of paragraphsIn(this.lines, from, to)) {
      const text = paragraph.lines.join(' ').trim()
      if (paragraph.lines.length === 1 && isChatbotRemark(text)) {
        this.context.report('stray-text', `Dropped a chatbot remark that belongs to no review: "${text}"`, paragraph.start)
      } else if (/^[\p{P}\p{S}\s]+$/u.test(text)) {
        this.context.report('stray-text', `Dropped a stray "${text}" between reviews`, paragraph.start)
      } else if (previous?.url && paragraph.lines.length === 1 && readLinkLine(text)?.link.url === previous.url) {
        // The same link written twice in a row: nothing new.
      } else {
        remaining.push(paragraph)
      }
    }
    let headline: string | null = null
    const last = remaining[remaining.length - 1]
    if (headerFollows && last && isHeadlineLike(last)) {
      headline = cleanTitle(last.lines[0] ?? '')
      remaining.pop()
      this.context.report('headline-attached', `Attached the line "${headline}" to the review that follows it`, last.start)
    }
    const first = remaining[0]
    if (!first) return { postscript: null, headerless: [], headline }
    const isLinkLine = (paragraph: Paragraph) => paragraph.lines.length === 1 && readLinkLine(paragraph.lines[0] ?? '') !== null
    const hasOwnLink = remaining.some(isLinkLine)
    // Only further links, or a sentence or two: a postscript to the review before.
    if (previous && (remaining.every(isLinkLine) || (!hasOwnLink && remaining.length <= 2))) {
      return { postscript: textBetween(this.lines, first.start, remaining[remaining.length - 1]!.end), headerless: [], headline }
    }
    if (!hasOwnLink && remaining.length <= 2) {
      this.context.report('unparsed-block', 'Text before the first review header is not part of any review', first.start)
      return { postscript: null, headerless: [], headline }
    }
    // A review posted without a header, e.g. a second review right after the first one's link.
    const end = remaining[remaining.length - 1]!.end
    const body = this.readBody(first.start, end)
    const draft: EntryDraft = {
      line: first.start,
      title: null,
      date: previous?.date ?? null,
      dateInherited: previous !== null,
      reviewers: null,
      summary: textBetween(this.lines, first.start, body.summaryEnd),
      summaryLine: first.start,
      url: body.url,
      urlLine: body.urlLine,
      links: this.otherLinks(first.start, body.summaryEnd),
      headline: null,
    }
    this.context.report('headerless-review', 'A review starts here without a header; it was kept with the previous review\'s date', first.start)
    const rest = this.readTrailer(body.trailerStart, end, draft, false)
    return {
      postscript: null,
      headerless: [withPostscript(draft, rest.postscript), ...rest.headerless],
      headline,
    }
  }

  private nextParagraph(from: number, to: number): Paragraph | undefined {
    return paragraphsIn(this.lines, from, to)[0]
  }

  private otherLinks(from: number, to: number): string[] {
    const urls: string[] = []
    for (let line = from; line <= to; line++) {
      for (const link of findLinks(this.lines[line - 1] ?? '')) {
        if (link.url !== '#' && !urls.includes(link.url)) urls.push(link.url)
      }
    }
    return urls
  }
}

function isTitleLike(paragraph: Paragraph): boolean {
  const text = paragraph.lines.join(' ').trim()
  return paragraph.lines.length <= 3 && text.length <= LONGEST_TITLE && findLinks(text).length === 0
}

function isHeadlineLike(paragraph: Paragraph): boolean {
  const text = paragraph.lines[0] ?? ''
  return paragraph.lines.length === 1 && text.length <= LONGEST_HEADLINE && !text.trim().endsWith(':') && findLinks(text).length === 0
}

function withPostscript(draft: EntryDraft, postscript: string | null): EntryDraft {
  return postscript ? { ...draft, summary: draft.summary ? `${draft.summary}\n\n${postscript}` : postscript } : draft
}

/** "Orel Lavie and Mike" → ["Orel", "Mike"]. */
function firstNames(text: string): string[] {
  return text
    .split(NAME_SEPARATOR)
    .map((name) => name.trim().split(/\s+/)[0] ?? '')
    .filter((name) => /^\p{Lu}/u.test(name))
}

function mergeReviewers(named: readonly string[], fromHeader: readonly string[]): string[] {
  const all = [...named]
  for (const name of fromHeader) if (!all.includes(name)) all.push(name)
  return all
}

/** The daily-review format. */
export const dailyReviews: NewsletterFormat = {
  name: 'daily-reviews',
  description: 'A feed of posts headed "Name\'s Daily Paper – DD.MM.YY: Title", each ending with the paper link.',
  detect(body) {
    let headers = 0
    for (const line of splitLines(body)) if (readDailyHeader(line, 0)) headers++
    return headers >= 2 ? 0.95 : headers === 1 ? 0.6 : 0
  },
  parse(body, context) {
    return new DailyParser(body, context).parse()
  },
}
