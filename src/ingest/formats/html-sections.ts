/**
 * HTML sections: a Markdown title and byline, then one `<section>` per paper
 * with an `<h4>` title, `<p>` summary paragraphs, an `<a>` to the paper and often
 * an `<img>` whose pasted-image name carries a timestamp ("Pasted image
 * 20250325101836.png"), which dates the entry. Images are never fetched.
 */
import { fromHtml } from 'hast-util-from-html'
import { toText } from 'hast-util-to-text'
import { visit } from 'unist-util-visit'
import type { Element, Root } from 'hast'
import { readDateAtStart, type WrittenDate } from '../dates.ts'
import { splitLines } from '../paragraphs.ts'
import { cleanTitle, stripEmoji } from '../titles.ts'
import { entryDraft, type EntryDraft, type NewsletterFormat, type ParsedBody } from './format.ts'

const PASTED_IMAGE_STAMP = /(?:^|[^\d])(\d{4})(\d{2})(\d{2})\d{4,6}(?:[^\d]|$)/
const BYLINE_HEADING = /^#{3,6}\s+(?:by\s+)?(\p{Lu}[\p{L}'’-]*(?:\s+\p{Lu}[\p{L}'’-]*){0,2})\s*$/u

function parseHtmlSections(body: string): ParsedBody {
  // HTML counts a lone CR as a line break; lines here are counted by LF only.
  const tree: Root = fromHtml(body.replace(/\r(?!\n)/g, ' '), { fragment: true })
  const entries: EntryDraft[] = []
  visit(tree, 'element', (node: Element) => {
    if (node.tagName !== 'section' && node.tagName !== 'article') return
    entries.push(readSection(node))
    return 'skip'
  })
  const firstSectionLine = entries[0]?.line ?? Number.POSITIVE_INFINITY
  let reviewers: string[] | null = null
  splitLines(body).forEach((line, index) => {
    if (index + 1 >= firstSectionLine || reviewers) return
    const byline = BYLINE_HEADING.exec(line)
    if (byline) reviewers = [(byline[1] ?? '').split(/\s+/)[0] ?? '']
  })
  return { entries, facts: { reviewers, date: null } }
}

function readSection(section: Element): EntryDraft {
  let title: string | null = null
  let link: Element | null = null
  let date: WrittenDate | null = null
  let imageAlt: string | null = null
  const paragraphs: string[] = []
  const otherLinks: string[] = []
  visit(section, 'element', (node: Element) => {
    if (/^h[1-6]$/.test(node.tagName) && title === null) {
      title = cleanTitle(toText(node)) || null
      return 'skip'
    }
    if (node.tagName === 'a' && typeof node.properties.href === 'string') {
      if (!link) link = node
      else if (!otherLinks.includes(node.properties.href)) otherLinks.push(node.properties.href)
    }
    if (node.tagName === 'img') {
      const source = typeof node.properties.src === 'string' ? node.properties.src : ''
      const stamp = PASTED_IMAGE_STAMP.exec(source)
      if (stamp && !date) date = readDateAtStart(`${stamp[1]}-${stamp[2]}-${stamp[3]}`)
      if (typeof node.properties.alt === 'string' && !imageAlt) imageAlt = node.properties.alt
    }
    if (node.tagName === 'p') {
      // A paragraph that is only the paper link (and an icon) is not summary text.
      const text = stripEmoji(toText(node)).replace(/\s+/g, ' ').trim()
      const linkText = node.children.some((child) => child.type === 'element' && child.tagName === 'a')
        ? toText({ type: 'element', tagName: 'span', properties: {}, children: node.children.filter((child) => child.type === 'element' && child.tagName === 'a') })
        : ''
      const withoutLink = text.replace(linkText.replace(/\s+/g, ' ').trim(), '').replace(/[\s\p{P}\p{S}]+/gu, '')
      if (withoutLink.length > 0) paragraphs.push(escapeMarkdown(text))
    }
    return undefined
  })
  const href = (link as Element | null)?.properties.href
  const line = section.position?.start.line ?? 1
  return entryDraft({
    line,
    title: title ?? (imageAlt ? cleanTitle(imageAlt) : null),
    date,
    summary: paragraphs.join('\n\n'),
    summaryLine: line,
    url: typeof href === 'string' ? href : null,
    urlLine: (link as Element | null)?.position?.start.line ?? null,
    links: otherLinks,
  })
}

/** Plain text from HTML must stay plain text when read as Markdown. */
function escapeMarkdown(text: string): string {
  return text.replace(/([\\`*_[\]<>#|])/g, '\\$1')
}

/** The HTML-sections format. */
export const htmlSections: NewsletterFormat = {
  name: 'html-sections',
  description: 'One `<section>` per paper with a heading, summary paragraphs and a link.',
  detect(body) {
    const sections = body.match(/<section\b[\s\S]*?<h[1-6]\b/gi)?.length ?? 0
    return sections >= 1 ? 0.9 : 0
  },
  parse: parseHtmlSections,
}
