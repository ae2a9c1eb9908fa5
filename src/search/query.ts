/**
 * Searching the two indexes and merging their results: the logic the browser
 * runs, kept free of the DOM so it is tested in Node.
 *
 * Ranking: papers matched by title, topic, reviewer or arXiv id come first
 * (ordered by their combined score), then papers only their review text
 * mentions. An arXiv id or a pasted arXiv URL puts that paper first.
 */
import MiniSearch from 'minisearch'
import { PRIMARY_INDEX_OPTIONS, TEXT_INDEX_OPTIONS, tokenize, processTerm, type PrimaryDocument, type TextDocument } from './options.ts'

/** The stored fields of one paper. */
export interface StoredPaper {
  readonly id: string
  readonly title: string
  readonly date: string
  readonly reviewers: readonly string[]
  readonly topics: readonly string[]
}

/** Filters combinable with a query; empty values mean "any". */
export interface SearchFilters {
  readonly topic?: string
  readonly reviewer?: string
  readonly year?: string
}

/** One result. */
export interface SearchHit extends StoredPaper {
  readonly score: number
  /** Index terms that matched, for highlighting. */
  readonly terms: readonly string[]
  /** True when the title, topics, reviewers or arXiv id matched (not only the review text). */
  readonly strong: boolean
}

/** The indexes as loaded in the page (the text index arrives a little later). */
export interface SearchIndexes {
  readonly primary: MiniSearch<PrimaryDocument>
  readonly text: MiniSearch<TextDocument> | null
}

const ARXIV_IN_QUERY = /(?:(?:https?:\/\/)?(?:www\.|export\.)?arxiv\.org\/(?:abs|pdf|html)\/|arxiv:\s*)?(\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?\/\d{7})(?:v\d+)?(?:\.pdf)?/i

const WHOLE_ARXIV_QUERY = new RegExp(`^${ARXIV_IN_QUERY.source}/?$`, 'i')

/** The unversioned arXiv id a query names (a bare id or a pasted URL), as a paper id; else null. */
export function arxivIdInQuery(query: string): string | null {
  const match = ARXIV_IN_QUERY.exec(query.trim())
  if (!match) return null
  const id = match[1]!.replace(/\.[A-Z]{2}\//i, '/')
  return id.replace('/', '-')
}

/** The stored fields of a paper in the primary index, or null. */
export function storedPaper(primary: MiniSearch<PrimaryDocument>, id: string): StoredPaper | null {
  const fields = primary.getStoredFields(id) as { t?: string; d?: string; r?: string[]; g?: string[] } | undefined
  if (!fields) return null
  return { id, title: fields.t ?? id, date: fields.d ?? '', reviewers: fields.r ?? [], topics: fields.g ?? [] }
}

function matchesFilters(paper: StoredPaper, filters: SearchFilters): boolean {
  if (filters.topic && !paper.topics.includes(filters.topic)) return false
  if (filters.reviewer && !paper.reviewers.includes(filters.reviewer)) return false
  if (filters.year && !paper.date.startsWith(filters.year)) return false
  return true
}

/** Newest first, undated last, then by title. */
function byDate(a: StoredPaper, b: StoredPaper): number {
  if (a.date !== b.date) return a.date < b.date ? 1 : -1
  return a.title < b.title ? -1 : a.title > b.title ? 1 : 0
}

/** Search both indexes. With an empty query, every paper matching the filters, newest first. */
export function searchPapers(indexes: SearchIndexes, query: string, filters: SearchFilters = {}): SearchHit[] {
  const { primary, text } = indexes
  const trimmed = query.trim()
  if (trimmed === '') {
    return primary
      .search(MiniSearch.wildcard)
      .map((result) => storedPaper(primary, String(result.id)))
      .filter((paper): paper is StoredPaper => paper !== null && matchesFilters(paper, filters))
      .sort(byDate)
      .map((paper) => ({ ...paper, score: 0, terms: [], strong: false }))
  }
  // A query that is nothing but an arXiv reference asks for that one paper.
  const named = arxivIdInQuery(trimmed)
  if (named && WHOLE_ARXIV_QUERY.test(trimmed)) {
    const paper = storedPaper(primary, named)
    if (paper) return matchesFilters(paper, filters) ? [{ ...paper, score: 1, terms: [], strong: true }] : []
  }
  const merged = new Map<string, { score: number; terms: Set<string>; strong: boolean }>()
  for (const result of primary.search(trimmed)) {
    merged.set(String(result.id), { score: result.score, terms: new Set(result.terms), strong: true })
  }
  if (text) {
    for (const result of text.search(trimmed)) {
      const id = String(result.id)
      const entry = merged.get(id)
      if (entry) {
        entry.score += result.score
        for (const term of result.terms) entry.terms.add(term)
      } else {
        merged.set(id, { score: result.score, terms: new Set(result.terms), strong: false })
      }
    }
  }
  const hits: SearchHit[] = []
  for (const [id, entry] of merged) {
    const paper = storedPaper(primary, id)
    if (!paper || !matchesFilters(paper, filters)) continue
    hits.push({ ...paper, score: entry.score, terms: [...entry.terms], strong: entry.strong })
  }
  if (named && !merged.has(named)) {
    const paper = storedPaper(primary, named)
    if (paper && matchesFilters(paper, filters)) hits.push({ ...paper, score: Number.POSITIVE_INFINITY, terms: [], strong: true })
  }
  return hits.sort((a, b) => {
    if (named && (a.id === named) !== (b.id === named)) return a.id === named ? -1 : 1
    if (a.strong !== b.strong) return a.strong ? -1 : 1
    return b.score - a.score || byDate(a, b)
  })
}

/** Query terms as the index sees them, for highlighting words in excerpts. */
export function queryTerms(query: string): string[] {
  return tokenize(query)
    .map((term) => processTerm(term))
    .filter((term): term is string => term !== null && term.length > 1)
}

/** Load the serialised indexes with the shared options. */
export async function loadIndexes(primaryData: unknown, textData: unknown | null): Promise<SearchIndexes> {
  const primary = await MiniSearch.loadJSAsync(primaryData as Parameters<typeof MiniSearch.loadJS>[0], PRIMARY_INDEX_OPTIONS)
  const text = textData ? await MiniSearch.loadJSAsync(textData as Parameters<typeof MiniSearch.loadJS>[0], TEXT_INDEX_OPTIONS) : null
  return { primary, text }
}
