/**
 * Atom and JSON feeds, generated with the `feed` library: one item per review,
 * newest first, with the review rendered as HTML whose math is MathML (which
 * feed readers can show without KaTeX's stylesheet). The feed's `updated` time
 * is the newest review's date, or SOURCE_DATE_EPOCH when set, so feeds are
 * byte-stable.
 */
import { Feed } from 'feed'
import type { ListingEntry } from './view-model.ts'

/** What a feed is about. */
export interface FeedSpec {
  readonly title: string
  readonly description: string
  /** Absolute URL of the page the feed follows. */
  readonly pageUrl: string
  readonly atomUrl: string
  readonly jsonUrl: string
  readonly language: string
  /** Build time as Unix seconds, or null. */
  readonly sourceDateEpoch: number | null
}

/** Feed item count: recent enough for readers, small enough to fetch. */
export const FEED_SIZE = 50

/**
 * Render both feeds for `entries` (newest first). `contentOf` gives each
 * review's feed HTML; `absoluteUrl` turns a site URL path into an absolute URL.
 */
export function renderFeeds(
  spec: FeedSpec,
  entries: readonly ListingEntry[],
  contentOf: (entry: ListingEntry) => string,
  absoluteUrl: (urlPath: string) => string,
): { atom: string; json: string } {
  const recent = entries.slice(0, FEED_SIZE)
  const newest = recent.find((entry) => entry.review.date !== null)?.review.date
  const updated = spec.sourceDateEpoch !== null ? new Date(spec.sourceDateEpoch * 1000) : new Date(`${newest ?? '1970-01-01'}T00:00:00Z`)
  const feed = new Feed({
    id: spec.pageUrl,
    title: spec.title,
    description: spec.description,
    link: spec.pageUrl,
    language: spec.language,
    updated,
    generator: 'research-digest',
    feedLinks: { atom: spec.atomUrl, json: spec.jsonUrl },
    copyright: '',
  })
  for (const entry of recent) {
    const link = `${absoluteUrl(entry.paper.url)}#${entry.review.anchor}`
    const date = new Date(`${entry.review.date ?? '1970-01-01'}T00:00:00Z`)
    const authors = entry.review.reviewers.map((person) => ({ name: person.name, link: absoluteUrl(person.url) }))
    feed.addItem({
      id: link,
      link,
      title: entry.paper.title,
      date,
      published: date,
      description: entry.review.excerpt,
      content: contentOf(entry),
      // The feed library cannot take an empty author list.
      ...(authors.length > 0 ? { author: authors } : {}),
      category: entry.paper.tags.map((tag) => ({ name: tag.name, term: tag.name })),
    })
  }
  return { atom: feed.atom1(), json: feed.json1() }
}
