/**
 * View models: the catalog reshaped for templates. Every URL is already resolved
 * against the base path, every date already formatted, so templates stay free of
 * logic. Built once per build; pages and feeds read from it.
 */
import { slugify } from '../catalog/slug.ts'
import type { Topic } from '../catalog/topics.ts'
import { arxivPdfUrl } from '../ingest/arxiv.ts'
import type { Paper, Review } from '../model.ts'
import type { RenderedSummary } from './markdown.ts'
import type { SitePaths } from './site-paths.ts'

/** A link with a label. */
export interface LinkView {
  readonly name: string
  readonly url: string
}

/** A newsletter the site was built from. */
export interface SourceInfo {
  /** Path relative to the content folder. */
  readonly path: string
  readonly name: string
  readonly description: string | null
  /** URL slug, from the file name. */
  readonly slug: string
}

/** One review as pages show it. */
export interface ReviewView {
  readonly anchor: string
  readonly date: string | null
  readonly dateLabel: string
  readonly reviewers: readonly LinkView[]
  readonly source: LinkView
  readonly sourceFile: string
  readonly line: number
  readonly headline: string | null
  readonly html: string
  /** The review HTML for feeds (math as MathML only). */
  readonly feedHtml: string
  readonly text: string
  readonly excerpt: string
  readonly hasMath: boolean
  /** The arXiv version the review linked to, e.g. `v2`. */
  readonly arxivVersion: string | null
  readonly review: Review
}

/** One paper as pages show it. */
export interface PaperView {
  readonly id: string
  readonly title: string
  readonly url: string
  readonly canonical: string
  readonly arxivId: string | null
  readonly absUrl: string | null
  readonly pdfUrl: string | null
  /** The paper's own link when it is not on arXiv. */
  readonly externalUrl: string | null
  readonly links: readonly string[]
  readonly tags: readonly LinkView[]
  readonly tagSlugs: readonly string[]
  readonly reviews: readonly ReviewView[]
  readonly latestDate: string | null
  readonly latestDateLabel: string
  readonly hasMath: boolean
  readonly paper: Paper
}

/** A review on a listing page: the paper it belongs to and the review itself. */
export interface ListingEntry {
  readonly paper: PaperView
  readonly review: ReviewView
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December']

/** "2024-11-30" → "30 November 2024"; null → "Undated". */
export function formatDate(date: string | null): string {
  if (date === null) return 'Undated'
  const [year, month, day] = date.split('-')
  return `${Number(day)} ${MONTHS[Number(month) - 1] ?? ''} ${year}`
}

/** "2024-11" → "November 2024". */
export function formatMonth(month: string): string {
  const [year, index] = month.split('-')
  return `${MONTHS[Number(index) - 1] ?? ''} ${year}`
}

/**
 * The views of a session's previous build (`digest dev`), by paper record, and
 * what they were made with besides. A paper record is immutable and its
 * reviews' summaries are a function of their Markdown, so a paper of the
 * catalog's memory (see `PaperMemory`) has the view it had, as long as the
 * topics, newsletters and paths are the same.
 */
export interface ViewMemory {
  context: string | null
  views: WeakMap<Paper, PaperView>
}

/** Make an empty {@link ViewMemory}. */
export function createViewMemory(): ViewMemory {
  return { context: null, views: new WeakMap() }
}

/** Build paper views. `rendered` holds the rendered summary of every review. With `memory`, an unchanged paper's view is the one made before. */
export function buildPaperViews(
  papers: readonly Paper[],
  rendered: ReadonlyMap<Review, RenderedSummary>,
  topics: readonly Topic[],
  sources: ReadonlyMap<string, SourceInfo>,
  paths: SitePaths,
  memory: ViewMemory | null = null,
): PaperView[] {
  const topicNames = new Map(topics.map((topic) => [topic.slug, topic.name]))
  if (memory) {
    // Everything a view is made from besides its paper and summaries.
    const context = JSON.stringify([[...topicNames], [...sources.values()], paths.basePath, paths.origin])
    if (memory.context !== context) memory.views = new WeakMap()
    memory.context = context
  }
  return papers.map((paper) => {
    const remembered = memory?.views.get(paper)
    if (remembered) return remembered
    const view = paperView(paper)
    memory?.views.set(paper, view)
    return view
  })

  function paperView(paper: Paper): PaperView {
    const reviews = paper.reviews.map((review, index): ReviewView => {
      const summary = rendered.get(review)
      const source = sources.get(review.source)
      return {
        anchor: `review-${index + 1}`,
        date: review.date,
        dateLabel: formatDate(review.date),
        reviewers: review.reviewers.map((name) => ({ name, url: paths.url(paths.reviewer(slugify(name))) })),
        source: { name: source?.name ?? review.source, url: paths.url(paths.source(source?.slug ?? slugify(review.source))) },
        sourceFile: review.source,
        line: review.line,
        headline: review.headline,
        // Read when a template shows them: a cached summary's HTML is then read from the build cache.
        get html() {
          return summary?.html ?? ''
        },
        get feedHtml() {
          return summary?.feedHtml ?? ''
        },
        // For templates that show it (the bundled ones do not): a cached summary's text is read from the build cache only then.
        get text() {
          return summary?.text ?? ''
        },
        excerpt: summary?.excerpt ?? '',
        hasMath: summary?.hasMath ?? false,
        arxivVersion: review.arxivVersion,
        review,
      }
    })
    const latest = reviews.reduce<string | null>((max, review) => (review.date !== null && (max === null || review.date > max) ? review.date : max), null)
    return {
      id: paper.id,
      title: paper.title,
      url: paths.url(paths.paper(paper.id)),
      canonical: paths.absolute(paths.paper(paper.id)),
      arxivId: paper.arxivId,
      absUrl: paper.arxivId ? paper.url : null,
      pdfUrl: paper.arxivId ? arxivPdfUrl(paper.arxivId) : null,
      externalUrl: paper.arxivId ? null : paper.url,
      links: paper.links,
      tags: paper.tags.map((slug) => ({ name: topicNames.get(slug) ?? slug, url: paths.url(paths.topic(slug)) })),
      tagSlugs: paper.tags,
      reviews,
      latestDate: latest,
      latestDateLabel: formatDate(latest),
      hasMath: reviews.some((review) => review.hasMath),
      paper,
    }
  }
}

/** Every review of every paper, newest first (undated last), as listing entries. */
export function listingEntries(papers: readonly PaperView[]): ListingEntry[] {
  const entries: ListingEntry[] = []
  for (const paper of papers) for (const review of paper.reviews) entries.push(listingEntry(paper, review))
  return entries.sort(compareEntriesNewestFirst)
}

/**
 * Listing entries by review view: views are immutable, and a `digest dev` session
 * keeps an unchanged paper's, so its entries are the objects of the builds before.
 */
const entriesByReview = new WeakMap<ReviewView, ListingEntry>()

/** The listing entry of `paper`'s `review`, made once per review view. */
export function listingEntry(paper: PaperView, review: ReviewView): ListingEntry {
  let entry = entriesByReview.get(review)
  if (entry?.paper !== paper) {
    entry = { paper, review }
    entriesByReview.set(review, entry)
  }
  return entry
}

/** The entry of a paper's last dated review (reviews are oldest first, undated last), else of its last one: how topic listings show a paper. */
export function latestEntry(paper: PaperView): ListingEntry {
  const dated = paper.reviews.findLast((review) => review.date !== null)
  return listingEntry(paper, dated ?? paper.reviews[paper.reviews.length - 1]!)
}

/** Newest first, undated last, then by paper id and review order, so listings are stable. */
export function compareEntriesNewestFirst(a: ListingEntry, b: ListingEntry): number {
  if (a.review.date !== b.review.date) {
    if (a.review.date === null) return 1
    if (b.review.date === null) return -1
    return a.review.date > b.review.date ? -1 : 1
  }
  if (a.paper.id !== b.paper.id) return a.paper.id < b.paper.id ? -1 : 1
  return a.review.anchor < b.review.anchor ? -1 : a.review.anchor > b.review.anchor ? 1 : 0
}
