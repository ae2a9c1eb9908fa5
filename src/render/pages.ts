/**
 * The pages of the site: which URL gets which template with which data. Pure:
 * no templates are rendered and nothing is written here, so the page plan can
 * be tested on its own.
 */
import { slugify } from '../catalog/slug.ts'
import type { Topic } from '../catalog/topics.ts'
import type { SitePaths } from './site-paths.ts'
import { compareStrings } from '../ordering.ts'
import {
  compareEntriesNewestFirst,
  formatMonth,
  latestEntry,
  listingEntries,
  type LinkView,
  type ListingEntry,
  type PaperView,
  type SourceInfo,
} from './view-model.ts'

/** A page to render: its site-relative URL, template and template data. */
export interface PagePlan {
  /** Site-relative URL, e.g. `papers/2405.05417/` or `404.html`. */
  readonly url: string
  readonly template: string
  readonly data: Readonly<Record<string, unknown>>
  /**
   * Makes the values `data` is made from, with the site's paths and nothing else
   * (views, which are immutable, compared by identity): a page whose inputs are
   * the ones it had in a session's previous build has the same data. Absent when
   * the data depends on more, and on paper pages, which a session plans as the
   * very objects it planned before when their inputs are the same (see
   * {@link PaperPlanMemory}); called only by a session.
   */
  readonly inputs?: () => readonly unknown[]
}

/** Page metadata every template receives as `page`. */
export interface PageMeta {
  readonly title: string | null
  readonly description: string
  readonly canonical: string
  readonly hasMath: boolean
  readonly noindex?: boolean
  /** Which main-navigation item is current. */
  readonly section: 'home' | 'topics' | 'reviewers' | 'archive' | 'sources' | 'search' | 'about' | null
  readonly feeds?: { readonly atom: string; readonly json: string } | null
}

/** Pagination links for templates. */
export interface Pagination {
  readonly current: number
  readonly total: number
  readonly previous: string | null
  readonly next: string | null
  readonly pages: ReadonlyArray<{ readonly number: number; readonly url: string; readonly current: boolean } | { readonly gap: true }>
}

/** A named group with a page of its own (topic, reviewer, source). */
export interface GroupView {
  readonly slug: string
  readonly name: string
  readonly description: string | null
  readonly url: string
  readonly count: number
}

/** Everything the page plan needs. */
export interface PagePlanInput {
  readonly papers: readonly PaperView[]
  readonly topics: readonly Topic[]
  readonly sources: readonly SourceInfo[]
  readonly paths: SitePaths
  readonly pageSize: number
  readonly siteDescription: string
  /** Every review as a listing entry, newest first ({@link listingEntries} of `papers`), when the caller has them. */
  readonly entries?: readonly ListingEntry[]
  /** A session's paper pages of its previous build, taken over where unchanged; none by default. */
  readonly memory?: PaperPlanMemory | null
}

/**
 * The paper pages a session's previous build planned, by view: a paper page is
 * a function of its view, its neighbours' views and the site's paths. Views are
 * immutable and made again when the paths change, so a page whose view and
 * neighbours are the same objects is planned as it was.
 */
export type PaperPlanMemory = WeakMap<PaperView, { readonly newer: PaperView | null; readonly older: PaperView | null; readonly plan: PagePlan }>

/** Make an empty {@link PaperPlanMemory}. */
export function createPaperPlanMemory(): PaperPlanMemory {
  return new WeakMap()
}

/** Plan every HTML page of the site. */
export function planPages(input: PagePlanInput): PagePlan[] {
  const { papers, paths, pageSize } = input
  const entries = input.entries ?? listingEntries(papers)
  const pages: PagePlan[] = []
  const meta = (url: string, fields: Omit<PageMeta, 'canonical' | 'hasMath'> & { hasMath?: boolean }): PageMeta => ({
    hasMath: false,
    ...fields,
    canonical: paths.absolute(url),
  })

  // Home: every review, newest first.
  pages.push(
    ...paginate(paths, entries, pageSize, (page) => paths.home(page), (items, pagination, url) => ({
      url,
      template: 'listing',
      data: {
        page: meta(url, { title: pagination.current > 1 ? `Latest reviews, page ${pagination.current}` : null, description: input.siteDescription, section: 'home', feeds: { atom: paths.url('feed.xml'), json: paths.url('feed.json') } }),
        heading: pagination.current > 1 ? `Latest reviews — page ${pagination.current}` : 'Latest reviews',
        intro: `${papers.length} papers, ${entries.length} reviews.`,
        entries: items,
        pagination,
      },
    })),
  )

  // Papers.
  papers.forEach((paper, index) => {
    const newer = papers[index - 1] ?? null
    const older = papers[index + 1] ?? null
    const planned = input.memory?.get(paper)
    if (planned && planned.newer === newer && planned.older === older) {
      pages.push(planned.plan)
      return
    }
    const url = paths.paper(paper.id)
    const plan: PagePlan = {
      url,
      template: 'paper',
      data: {
        page: meta(url, { title: paper.title, description: paper.reviews[0]?.excerpt ?? paper.title, section: null, hasMath: paper.hasMath }),
        paper,
        newer: newer ? { name: newer.title, url: newer.url } : null,
        older: older ? { name: older.title, url: older.url } : null,
        jsonUrl: paths.url(`${url}paper.json`),
        bibUrl: paths.url(`${url}cite.bib`),
      },
    }
    input.memory?.set(paper, { newer, older, plan })
    pages.push(plan)
  })

  // Topics: papers newest first, each shown by its latest review.
  const topicGroups: GroupView[] = []
  const byTopic = groupBy(papers, (paper) => new Set(paper.tagSlugs))
  for (const topic of input.topics) {
    const tagged = byTopic.get(topic.slug) ?? []
    if (tagged.length === 0) continue
    topicGroups.push({ slug: topic.slug, name: topic.name, description: topic.description, url: paths.url(paths.topic(topic.slug)), count: tagged.length })
    const topicEntries = tagged.map(latestEntry)
    pages.push(
      ...paginate(paths, topicEntries, pageSize, (page) => paths.topic(topic.slug, page), (items, pagination, url) => ({
        url,
        template: 'listing',
        data: {
          page: meta(url, { title: pageTitle(topic.name, pagination), description: topic.description, section: 'topics', feeds: { atom: paths.url(`${paths.topic(topic.slug)}feed.xml`), json: paths.url(`${paths.topic(topic.slug)}feed.json`) } }),
          heading: topic.name,
          intro: `${topic.description} ${tagged.length} paper${tagged.length === 1 ? '' : 's'}.`,
          crumbs: [{ name: 'Topics', url: paths.url(paths.topics()) }],
          entries: items,
          pagination,
        },
      })),
    )
  }
  pages.push(indexPage(paths.topics(), 'Topics', 'Every topic, with the number of papers tagged with it.', 'topics', topicGroups.sort(byCountThenName), meta))

  // Reviewers.
  const byReviewer = groupEntries(entries, (entry) => entry.review.reviewers.map((person) => person.name))
  const reviewerGroups: GroupView[] = []
  for (const [name, reviewed] of byReviewer) {
    const slug = slugify(name)
    reviewerGroups.push({ slug, name, description: null, url: paths.url(paths.reviewer(slug)), count: reviewed.length })
    pages.push(
      ...paginate(paths, reviewed, pageSize, (page) => paths.reviewer(slug, page), (items, pagination, url) => ({
        url,
        template: 'listing',
        data: {
          page: meta(url, { title: pageTitle(`Reviews by ${name}`, pagination), description: `${reviewed.length} paper reviews by ${name}.`, section: 'reviewers' }),
          heading: `Reviews by ${name}`,
          intro: `${reviewed.length} review${reviewed.length === 1 ? '' : 's'}.`,
          crumbs: [{ name: 'Reviewers', url: paths.url(paths.reviewers()) }],
          entries: items,
          pagination,
        },
      })),
    )
  }
  pages.push(indexPage(paths.reviewers(), 'Reviewers', 'Everyone who wrote a review, with their number of reviews.', 'reviewers', reviewerGroups.sort(byCountThenName), meta))

  // Sources.
  const sourceGroups: GroupView[] = []
  const bySource = groupBy(entries, (entry) => [entry.review.sourceFile])
  for (const source of input.sources) {
    const fromSource = bySource.get(source.path) ?? []
    if (fromSource.length === 0) continue
    sourceGroups.push({ slug: source.slug, name: source.name, description: source.description, url: paths.url(paths.source(source.slug)), count: fromSource.length })
    pages.push(
      ...paginate(paths, fromSource, pageSize, (page) => paths.source(source.slug, page), (items, pagination, url) => ({
        url,
        template: 'listing',
        data: {
          page: meta(url, { title: pageTitle(source.name, pagination), description: source.description ?? `Reviews from ${source.name}.`, section: 'sources' }),
          heading: source.name,
          intro: `${source.description ? `${source.description} ` : ''}${fromSource.length} review${fromSource.length === 1 ? '' : 's'}.`,
          crumbs: [{ name: 'Newsletters', url: paths.url(paths.sources()) }],
          entries: items,
          pagination,
        },
      })),
    )
  }
  pages.push(indexPage(paths.sources(), 'Newsletters', 'The newsletters this digest is built from.', 'sources', sourceGroups, meta))

  // Archive: years and months, one page per month.
  const byMonth = groupEntries(entries, (entry) => [entry.review.date === null ? 'undated' : entry.review.date.slice(0, 7)])
  const years = new Map<string, Array<{ name: string; url: string; count: number }>>()
  for (const [month, inMonth] of byMonth) {
    const url = month === 'undated' ? 'archive/undated/' : paths.archiveMonth(month)
    const label = month === 'undated' ? 'Undated' : formatMonth(month)
    const year = month === 'undated' ? 'Undated' : month.slice(0, 4)
    const list = years.get(year) ?? []
    list.push({ name: label, url: paths.url(url), count: inMonth.length })
    years.set(year, list)
    pages.push(
      ...paginate(paths, inMonth, pageSize, (page) => (page <= 1 ? url : `${url}page/${page}/`), (items, pagination, pageUrl) => ({
        url: pageUrl,
        template: 'listing',
        data: {
          page: meta(pageUrl, { title: pageTitle(`Reviews from ${label}`, pagination), description: `${inMonth.length} paper reviews from ${label}.`, section: 'archive' }),
          heading: label === 'Undated' ? 'Undated reviews' : `Reviews from ${label}`,
          intro: `${inMonth.length} review${inMonth.length === 1 ? '' : 's'}.`,
          crumbs: [{ name: 'Archive', url: paths.url(paths.archive()) }],
          entries: items,
          pagination,
        },
      })),
    )
  }
  const archiveYears = [...years.entries()]
    .sort(([a], [b]) => (a === 'Undated' ? 1 : b === 'Undated' ? -1 : compareStrings(b, a)))
    .map(([year, months]) => ({ year, months: months.sort((a, b) => compareStrings(b.url, a.url)), count: months.reduce((sum, month) => sum + month.count, 0) }))
  pages.push({
    url: paths.archive(),
    template: 'archive',
    data: { page: meta(paths.archive(), { title: 'Archive', description: 'Every review, by year and month.', section: 'archive' }), years: archiveYears },
  })

  pages.push({
    url: paths.search(),
    template: 'search',
    data: {
      page: meta(paths.search(), { title: 'Search', description: 'Search the papers and reviews of this digest.', section: 'search', noindex: true }),
      filters: {
        topics: [...topicGroups].sort((a, b) => compareStrings(a.name, b.name)).map((group) => ({ value: group.slug, name: group.name })),
        reviewers: [...reviewerGroups].sort((a, b) => compareStrings(a.name, b.name)).map((group) => ({ value: group.name, name: group.name })),
        years: archiveYears.filter((year) => year.year !== 'Undated').map((year) => ({ value: year.year, name: year.year })),
      },
      archiveUrl: paths.url(paths.archive()),
      topicsUrl: paths.url(paths.topics()),
    },
  })
  pages.push({
    url: paths.about(),
    template: 'about',
    data: {
      page: meta(paths.about(), { title: 'About', description: 'What this site is and how it is built.', section: 'about' }),
      counts: { papers: papers.length, reviews: entries.length, sources: sourceGroups.length, topics: topicGroups.length, reviewers: reviewerGroups.length },
      sources: sourceGroups,
    },
  })
  pages.push({
    url: '404.html',
    template: '404',
    data: { page: meta('404.html', { title: 'Page not found', description: 'This page does not exist.', section: null, noindex: true }) },
  })
  return pages
}


function pageTitle(name: string, pagination: Pagination): string {
  return pagination.current > 1 ? `${name}, page ${pagination.current}` : name
}

function indexPage(url: string, title: string, description: string, section: PageMeta['section'], groups: readonly GroupView[], meta: (url: string, fields: Omit<PageMeta, 'canonical' | 'hasMath'>) => PageMeta): PagePlan {
  return { url, template: 'index-list', data: { page: meta(url, { title, description, section }), heading: title, intro: description, groups } }
}

function byCountThenName(a: GroupView, b: GroupView): number {
  return b.count - a.count || compareStrings(a.name, b.name)
}

/** Group entries under every key `keys` gives them, keeping each group newest first. */
function groupEntries(entries: readonly ListingEntry[], keys: (entry: ListingEntry) => readonly string[]): Map<string, ListingEntry[]> {
  const groups = groupBy(entries, keys)
  for (const group of groups.values()) group.sort(compareEntriesNewestFirst)
  return new Map([...groups.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
}

/** Items under every key `keys` gives them, in the order of `items`; keys in order of first appearance. */
export function groupBy<T>(items: readonly T[], keys: (item: T) => Iterable<string>): Map<string, T[]> {
  const groups = new Map<string, T[]>()
  for (const item of items) {
    for (const key of keys(item)) {
      const group = groups.get(key)
      if (group) group.push(item)
      else groups.set(key, [item])
    }
  }
  return groups
}

/** Split `items` into pages and plan one page each. */
function paginate<T>(
  paths: SitePaths,
  items: readonly T[],
  pageSize: number,
  urlFor: (page: number) => string,
  plan: (items: readonly T[], pagination: Pagination, url: string) => PagePlan,
): PagePlan[] {
  const total = Math.max(1, Math.ceil(items.length / pageSize))
  const plans: PagePlan[] = []
  for (let current = 1; current <= total; current++) {
    const pagination: Pagination = {
      current,
      total,
      previous: current > 1 ? paths.url(urlFor(current - 1)) : null,
      next: current < total ? paths.url(urlFor(current + 1)) : null,
      pages: pageWindow(current, total).map((number) => (number === null ? { gap: true as const } : { number, url: paths.url(urlFor(number)), current: number === current })),
    }
    plans.push(withListingInputs(plan(items.slice((current - 1) * pageSize, current * pageSize), pagination, urlFor(current))))
  }
  return plans
}

/**
 * A listing page's inputs: its data but the entries, as JSON, and each entry's
 * paper and review view (immutable, compared by identity).
 */
function withListingInputs(plan: PagePlan): PagePlan {
  const { entries, ...rest } = plan.data as { entries?: readonly ListingEntry[] }
  if (!Array.isArray(entries)) return plan
  const inputs = () => {
    const made: unknown[] = [plan.template, JSON.stringify(rest)]
    for (const entry of entries) made.push(entry.paper, entry.review)
    return made
  }
  return { ...plan, inputs }
}

/**
 * Page numbers to show: first, last, and two either side of the current one,
 * with null for each run of numbers left out. At most nine entries, made without
 * looking at every page (a listing of 100,000 reviews has 3,334 pages, each with
 * its own window).
 */
export function pageWindow(current: number, total: number): Array<number | null> {
  const numbers = [1]
  for (let number = Math.max(2, current - 2); number <= Math.min(total - 1, current + 2); number++) numbers.push(number)
  if (total > 1) numbers.push(total)
  const shown: Array<number | null> = []
  for (const number of numbers) {
    const last = shown[shown.length - 1]
    if (typeof last === 'number' && number > last + 1) shown.push(null)
    shown.push(number)
  }
  return shown
}

export type { LinkView }
