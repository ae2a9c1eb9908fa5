/**
 * Catalog: reviews from every source → merged, tagged {@link Paper}s with stable
 * ids, in a deterministic order (most recently reviewed first).
 */
import { hash } from 'node:crypto'
import type { VFile } from 'vfile'
import { report } from '../diagnostics/report.ts'
import { arxivAbsUrl } from '../ingest/arxiv.ts'
import type { Paper, Review, TagOverride } from '../model.ts'
import { groupReviews, type ReviewGroup } from './merge-reviews.ts'
import { slugify } from './slug.ts'
import { tagPaper, type Taxonomy } from './topics.ts'
import { compareStrings } from '../ordering.ts'
import { summaryDigest } from '../summary-digest.ts'
import { eventLoopSlices } from '../event-loop-slices.ts'

/** Reviews of one source with the file that collects its messages. */
export interface CatalogSource {
  readonly file: VFile
  readonly reviews: readonly Review[]
}

/** Where computed tags are remembered between builds (tagging is the catalog's costly step). */
export interface TagCache {
  /** A hash of the taxonomy and the tagger, part of every key. */
  readonly fingerprint: string
  get(key: string): string[] | undefined
  set(key: string, tags: string[]): void
  /** Count the entry for `key` as used without reading it (a paper taken over from a session's memory has its tags), so it is kept. */
  keep(key: string): void
}

/**
 * The papers of a session's previous build (`digest dev`), by id. A paper made
 * again from the very same review records (which are immutable), with the same
 * fields, is that build's paper object: what later stages compute from a paper
 * (its digest, its view) is remembered by object.
 */
export type PaperMemory = Map<string, Paper> & {
  /** The tag cache fingerprint (taxonomy and tagger) the remembered papers were tagged with. */
  tagFingerprint?: string | null
}

/** Merge, title, identify and tag the reviews of all sources. With `memory`, unchanged papers are the objects of the previous build (and `memory` then holds this build's). */
export function buildCatalog(sources: readonly CatalogSource[], taxonomy: Taxonomy, tagCache: TagCache | null = null, memory: PaperMemory | null = null): Paper[] {
  const making = makePapers(sources, taxonomy, tagCache, memory)
  for (;;) {
    const step = making.next()
    if (step.done) return step.value
  }
}

/** A catalog being made: its reviews are known before its papers are tagged. */
export interface CatalogRun {
  /** The reviews the papers will hold, every one once (repeated posts are dropped already). */
  readonly reviews: readonly Review[]
  /** Tag the papers (the catalog's costly step) and finish: the papers {@link buildCatalog} returns. */
  finish(): Promise<Paper[]>
}

/** How long tagging runs before it lets other work on the main thread run (results of worker threads, for one). */
const TAGGING_SLICE_MS = 10

/**
 * {@link buildCatalog} in two steps, so a build can render the summaries while
 * papers are tagged: merging is done when this returns, and `finish` tags the
 * papers, letting the event loop run every {@link TAGGING_SLICE_MS}. Same papers,
 * same messages, same use of `tagCache` and `memory` as {@link buildCatalog}.
 */
export function startCatalog(sources: readonly CatalogSource[], taxonomy: Taxonomy, tagCache: TagCache | null = null, memory: PaperMemory | null = null): CatalogRun {
  const making = makePapers(sources, taxonomy, tagCache, memory)
  const first = making.next()
  if (first.done || first.value === undefined) throw new Error('research-digest: the catalog did not list its reviews before tagging')
  return {
    reviews: first.value,
    finish: async () => {
      const slices = eventLoopSlices(TAGGING_SLICE_MS)
      for (;;) {
        const step = making.next()
        if (step.done) return step.value
        if (slices.due()) await slices.next()
      }
    },
  }
}

/**
 * The catalog, step by step: merges the reviews into drafts and yields the
 * reviews they hold, then yields (nothing) after each paper it makes, and
 * returns the papers in their order.
 */
function* makePapers(sources: readonly CatalogSource[], taxonomy: Taxonomy, tagCache: TagCache | null, memory: PaperMemory | null): Generator<readonly Review[] | undefined, Paper[], void> {
  const files = new Map<string, VFile>()
  for (const source of sources) files.set(source.file.path, source.file)
  const reviews = sources.flatMap((source) => source.reviews)
  const groups = groupReviews(reviews, files)
  const knownTopics = new Set(taxonomy.topics.map((topic) => topic.slug))
  const drafts = groups.map((group) => assemblePaper(group))
  const ids = assignIds(drafts)
  yield drafts.flatMap((draft) => draft.reviews)
  const papers: Paper[] = []
  for (const [index, draft] of drafts.entries()) {
    papers.push(makePaper(draft, ids[index]!, knownTopics, files, taxonomy, tagCache, memory))
    yield
  }
  if (memory) {
    memory.clear()
    for (const paper of papers) memory.set(paper.id, paper)
    memory.tagFingerprint = tagCache?.fingerprint ?? null
  }
  return papers.sort(comparePapers)
}

/** One draft's paper, tagged (or taken over from `memory`, or its tags from `tagCache`). */
function makePaper(draft: PaperDraft, id: string, knownTopics: ReadonlySet<string>, files: ReadonlyMap<string, VFile>, taxonomy: Taxonomy, tagCache: TagCache | null, memory: PaperMemory | null): Paper {
  const overrides = draft.reviews.flatMap((review) => checkedOverride(review, knownTopics, files))
  const before = memory?.get(id)
  // The paper of the previous build, made from the same review records, has the same tags unless the taxonomy or tagger changed.
  const known = before && tagCache && memory?.tagFingerprint === tagCache.fingerprint ? tagKeys.get(before) : undefined
  if (known !== undefined && sameDraft(before!, draft)) {
    tagCache!.keep(known)
    return before!
  }
  let tags: string[] | undefined
  let key: string | null = null
  if (tagCache) {
    key = tagKey(tagCache.fingerprint, draft.title, draft.reviews, overrides)
    tags = tagCache.get(key)
  }
  if (!tags) {
    // Summaries are read only here, for a paper whose tags are not cached (a restored summary is read from its file's text when asked for).
    tags = tagPaper(taxonomy, { title: draft.title, summaries: draft.reviews.map((review) => review.summary) }, overrides)
    if (tagCache && key) tagCache.set(key, tags)
  }
  const paper: Paper = {
    id,
    title: draft.title,
    arxivId: draft.arxivId,
    url: draft.url,
    links: draft.links,
    tags,
    reviews: draft.reviews,
  }
  const made = before && samePaper(before, paper) ? before : paper
  if (key !== null) tagKeys.set(made, key)
  return made
}

/** The tag cache key each paper record was tagged with (records are immutable): a session takes unchanged papers over without making it again. */
const tagKeys = new WeakMap<Paper, string>()

/** The tag cache key of a paper's text: its title, overrides and each summary's digest (the summaries are most of a build's bytes). */
function tagKey(fingerprint: string, title: string, reviews: readonly Review[], overrides: readonly TagOverride[]): string {
  return hash('sha256', JSON.stringify([fingerprint, title, overrides, reviews.map(summaryDigest)]))
}

type PaperDraft = Omit<Paper, 'id' | 'tags'>

function assemblePaper(group: ReviewGroup): PaperDraft {
  const reviews = [...group].sort(compareReviews)
  const arxivId = reviews.find((review) => review.arxivId !== null)?.arxivId ?? null
  const url = arxivId !== null ? arxivAbsUrl(arxivId) : (reviews.find((review) => review.url !== null)?.url ?? null)
  const links: string[] = []
  for (const review of reviews) {
    for (const link of review.links) if (link !== url && !links.includes(link)) links.push(link)
  }
  return { title: chooseTitle(reviews, arxivId, url), arxivId, url, links, reviews }
}

/**
 * Are `a` and `b` the same paper record? Every field is compared, lists item by
 * item; reviews (and any other object) as objects, since records are immutable.
 */
function samePaper(a: Paper, b: Paper): boolean {
  const keys = Object.keys(a) as Array<keyof Paper>
  if (keys.length !== Object.keys(b).length) return false
  return keys.every((key) => {
    const [x, y] = [a[key], b[key]]
    return Array.isArray(x) && Array.isArray(y) ? x.length === y.length && x.every((item, index) => item === y[index]) : x === y
  })
}

/** Would `draft` make `paper` again (tags aside)? Fields compared as {@link samePaper} does. */
function sameDraft(paper: Paper, draft: PaperDraft): boolean {
  return (
    paper.title === draft.title &&
    paper.arxivId === draft.arxivId &&
    paper.url === draft.url &&
    sameItems(paper.links, draft.links) &&
    sameItems(paper.reviews, draft.reviews)
  )
}

function sameItems<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((item, index) => item === b[index])
}

/** The first stated title, else a readable fallback built from the paper's identity. */
function chooseTitle(reviews: readonly Review[], arxivId: string | null, url: string | null): string {
  const stated = reviews.find((review) => review.title !== null)?.title
  if (stated) return stated
  if (arxivId !== null) return `arXiv:${arxivId}`
  if (url !== null) return url.replace(/^https?:\/\/(?:www\.)?/, '').replace(/[?#].*$/, '')
  const first = reviews[0]
  const opening = first?.summary.replace(/[*_`#>[\]]/g, '').split(/(?<=[.!?])\s/)[0]?.trim() ?? ''
  return opening.length > 0 && opening.length <= 90 ? opening : `Untitled review (${first?.source ?? 'unknown'}, line ${first?.line ?? 0})`
}

/** arXiv papers are known by their id; others by a title slug, numbered on collision. */
function assignIds(drafts: readonly PaperDraft[]): string[] {
  const taken = new Set<string>()
  const ids: string[] = new Array(drafts.length)
  // arXiv ids first: they can never collide with each other.
  drafts.forEach((draft, index) => {
    if (draft.arxivId !== null) {
      ids[index] = draft.arxivId.replace('/', '-')
      taken.add(ids[index]!)
    }
  })
  const others = drafts
    .map((draft, index) => ({ draft, index }))
    .filter(({ draft }) => draft.arxivId === null)
    .sort((a, b) => compareReviews(a.draft.reviews[0]!, b.draft.reviews[0]!))
  for (const { draft, index } of others) {
    const base = slugify(draft.title) || 'paper'
    let id = base
    for (let suffix = 2; taken.has(id); suffix++) id = `${base}-${suffix}`
    taken.add(id)
    ids[index] = id
  }
  return ids
}

function checkedOverride(review: Review, knownTopics: ReadonlySet<string>, files: ReadonlyMap<string, VFile>): TagOverride[] {
  const override = review.tagOverride
  if (!override) return []
  const unknown = [...override.add, ...override.remove].filter((slug) => !knownTopics.has(slug))
  const file = files.get(review.source)
  if (file) {
    for (const slug of unknown) report(file, 'unknown-topic', `Tag override names "${slug}", which is not a topic`, { line: review.line })
  }
  return [{ add: override.add.filter((slug) => knownTopics.has(slug)), remove: override.remove }]
}

/** Oldest first, undated last; ties by source and line. */
export function compareReviews(a: Review, b: Review): number {
  if (a.date !== b.date) {
    if (a.date === null) return 1
    if (b.date === null) return -1
    return a.date < b.date ? -1 : 1
  }
  return compareStrings(a.source, b.source) || a.line - b.line
}

/** Latest review date first (undated last), then by id. */
function comparePapers(a: Paper, b: Paper): number {
  const latestA = latestDate(a)
  const latestB = latestDate(b)
  if (latestA !== latestB) {
    if (latestA === null) return 1
    if (latestB === null) return -1
    return latestA > latestB ? -1 : 1
  }
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0
}

/** The most recent review date of a paper, or null when none is dated. */
export function latestDate(paper: Paper): string | null {
  let latest: string | null = null
  for (const review of paper.reviews) if (review.date !== null && (latest === null || review.date > latest)) latest = review.date
  return latest
}
