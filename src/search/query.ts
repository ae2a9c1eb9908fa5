/**
 * The search engine the page runs, free of the DOM so it is tested in Node:
 * loads the shards a query needs, searches them with the shared options, merges
 * the terms' scores, filters and ranks.
 *
 * Ranking: papers matched by title, topic or reviewer come first (by combined
 * score), then papers only their review text mentions. A query that is an arXiv
 * id or a pasted arXiv URL answers with that paper.
 */
import MiniSearch, { type SearchResult } from 'minisearch'
import {
  openSearchFile,
  PRIMARY_INDEX_OPTIONS,
  processTerm,
  shardKey,
  STRONG_FIELDS,
  TEXT_INDEX_OPTIONS,
  tokenize,
  type IndexTables,
  type SearchBase,
  type SearchShard,
} from './options.ts'

/** True when a result matched a title, topic or reviewer field. */
function isStrong(result: SearchResult): boolean {
  for (const term in result.match) {
    for (const field of result.match[term]!) if (STRONG_FIELDS.has(field)) return true
  }
  return false
}

/** Filters combinable with a query; empty values mean "any". */
export interface SearchFilters {
  /** Topic slug. */
  readonly topic?: string
  /** Reviewer name. */
  readonly reviewer?: string
  /** Four-digit year. */
  readonly year?: string
}

/** One result, before its fragment is loaded. */
export interface SearchHit {
  /** MiniSearch short id: index into the base tables and fragment name. */
  readonly shortId: number
  /** Paper id. */
  readonly id: string
  readonly score: number
  /** Index terms that matched, for highlighting. */
  readonly terms: readonly string[]
  /** True when the title, topics or reviewers matched (not only the review text). */
  readonly strong: boolean
}

/** Fetches a site-relative search file and returns its parsed JSON. */
export type FetchSearchFile = (file: string) => Promise<unknown>

const ARXIV_IN_QUERY = /(?:(?:https?:\/\/)?(?:www\.|export\.)?arxiv\.org\/(?:abs|pdf|html)\/|arxiv:\s*)?(\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?\/\d{7})(?:v\d+)?(?:\.pdf)?/i
const WHOLE_ARXIV_QUERY = new RegExp(`^${ARXIV_IN_QUERY.source}/?$`, 'i')

/** The paper id an arXiv query names (a bare id or a pasted URL); else null. */
export function arxivIdInQuery(query: string): string | null {
  const match = ARXIV_IN_QUERY.exec(query.trim())
  if (!match) return null
  return match[1]!.replace(/\.[A-Z]{2}\//i, '/').replace('/', '-')
}

/** Query terms as the index sees them (each searched in its own shard). */
export function queryTerms(query: string): string[] {
  return [...new Set(tokenize(query).map((term) => processTerm(term)).filter((term): term is string => term !== null && term.length > 1))]
}

type IndexName = 'primary' | 'text'

/** Search over a base file and the shards loaded so far. */
export class SearchEngine {
  readonly base: SearchBase
  private readonly fetchFile: FetchSearchFile
  private readonly shards = new Map<string, Promise<MiniSearch>>()
  private readonly ready = new Map<string, MiniSearch>()
  private readonly idToShort: Map<string, number>
  private readonly documentIds: Record<string, string>
  private readonly commonTerms: ReadonlySet<string>

  constructor(base: SearchBase, fetchFile: FetchSearchFile) {
    this.base = base
    this.fetchFile = fetchFile
    this.idToShort = new Map(base.ids.map((id, shortId) => [id, shortId]))
    this.documentIds = Object.fromEntries(base.ids.map((id, shortId) => [String(shortId), id]))
    this.commonTerms = new Set(base.commonTerms ?? [])
  }

  /** Number of papers. */
  get size(): number {
    return this.base.ids.length
  }

  /** Shard files a query needs from one index. */
  shardFiles(query: string, index: IndexName): string[] {
    const files = new Set<string>()
    for (const term of queryTerms(query)) {
      const file = this.base.shards[index][shardKey(term)]
      if (file) files.add(file)
    }
    return [...files]
  }

  /** True when every shard the query needs from `index` is loaded. */
  isLoaded(query: string, index: IndexName): boolean {
    return this.shardFiles(query, index).every((file) => this.ready.has(file))
  }

  /** Load the shards a query needs from `index`. */
  async load(query: string, index: IndexName): Promise<void> {
    await Promise.all(this.shardFiles(query, index).map((file) => this.shard(file, index)))
  }

  private shard(file: string, index: IndexName): Promise<MiniSearch> {
    let pending = this.shards.get(file)
    if (!pending) {
      pending = this.fetchFile(file).then(async (data) => {
        const entries = openSearchFile<SearchShard>(data, 'shard')
        const tables: IndexTables = this.base[index]
        const options = index === 'primary' ? PRIMARY_INDEX_OPTIONS : TEXT_INDEX_OPTIONS
        const search = await MiniSearch.loadJSAsync({ ...tables, documentIds: this.documentIds, storedFields: {}, index: entries }, options as never)
        this.ready.set(file, search)
        return search
      })
      // A failed fetch may be retried by the next query.
      pending.catch(() => this.shards.delete(file))
      this.shards.set(file, pending)
    }
    return pending
  }

  /**
   * Search with the shards loaded so far. With an empty query, every paper that
   * matches the filters, newest first.
   */
  search(query: string, filters: SearchFilters = {}): SearchHit[] {
    const trimmed = query.trim()
    const allowed = this.filter(filters)
    if (trimmed === '') {
      return this.base.ids
        .map((id, shortId) => ({ id, shortId }))
        .filter(({ shortId }) => allowed(shortId))
        .sort((a, b) => (this.base.dates[b.shortId] ?? 0) - (this.base.dates[a.shortId] ?? 0) || a.shortId - b.shortId)
        .map(({ id, shortId }) => ({ id, shortId, score: 0, terms: [], strong: false }))
    }
    const named = arxivIdInQuery(trimmed)
    if (named && WHOLE_ARXIV_QUERY.test(trimmed)) {
      const shortId = this.idToShort.get(named)
      if (shortId !== undefined) return allowed(shortId) ? [{ id: named, shortId, score: 1, terms: [], strong: true }] : []
    }
    // Merge the terms' results per paper. Plain arrays and objects: this loop runs over
    // every matching paper on every keystroke.
    const merged = new Map<number, { score: number; terms: string[]; strong: boolean }>()
    const terms = queryTerms(trimmed)
    // Next to a rarer word, a word most reviews use adds little but costs much: skip it in review text.
    const hasRareTerm = terms.some((term) => !this.commonTerms.has(term))
    for (const term of terms) {
      for (const index of ['primary', 'text'] as const) {
        let exactOnly = false
        if (index === 'text' && hasRareTerm) {
          if (this.commonTerms.has(term)) continue
          // A prefix of a common word ("learn" while typing "learning") would expand to it.
          exactOnly = this.commonPrefix(term)
        }
        const strongIndex = index === 'primary'
        for (const result of this.termResults(term, index, exactOnly)) {
          const shortId = this.idToShort.get(result.id as string)
          if (shortId === undefined) continue
          const entry = merged.get(shortId)
          if (entry) {
            entry.score += result.score
            entry.strong ||= strongIndex && isStrong(result)
            for (const matched of result.terms) if (!entry.terms.includes(matched)) entry.terms.push(matched)
          } else {
            merged.set(shortId, { score: result.score, terms: result.terms, strong: strongIndex && isStrong(result) })
          }
        }
      }
    }
    const hits: SearchHit[] = []
    for (const [shortId, entry] of merged) {
      if (allowed(shortId)) hits.push({ shortId, id: this.base.ids[shortId]!, score: entry.score, terms: entry.terms, strong: entry.strong })
    }
    if (named) {
      const shortId = this.idToShort.get(named)
      if (shortId !== undefined && !merged.has(shortId) && allowed(shortId)) hits.push({ shortId, id: named, score: Number.POSITIVE_INFINITY, terms: [], strong: true })
    }
    return hits.sort((a, b) => {
      if (named && (a.id === named) !== (b.id === named)) return a.id === named ? -1 : 1
      if (a.strong !== b.strong) return a.strong ? -1 : 1
      return b.score - a.score || (this.base.dates[b.shortId] ?? 0) - (this.base.dates[a.shortId] ?? 0) || a.shortId - b.shortId
    })
  }

  /** The loaded shard of `index` that holds `term`; throws when it is not loaded. */
  shardLoaded(term: string, index: IndexName): MiniSearch {
    const file = this.base.shards[index][shardKey(term)]
    const search = file ? this.ready.get(file) : undefined
    if (!search) throw new Error(`research-digest: no loaded ${index} shard holds "${term}"`)
    return search
  }

  /** MiniSearch results for one processed term from its loaded shard of `index` (none when not loaded). */
  termResults(term: string, index: IndexName, exactOnly = false): SearchResult[] {
    const file = this.base.shards[index][shardKey(term)]
    const search = file ? this.ready.get(file) : undefined
    if (!search) return []
    return exactOnly ? search.search(term, { prefix: false }) : search.search(term)
  }

  /** True when `term` begins some common word, so a prefix search would expand to it. */
  private commonPrefix(term: string): boolean {
    for (const common of this.commonTerms) if (common.length > term.length && common.startsWith(term)) return true
    return false
  }

  /** A predicate for the filters, on short ids. */
  private filter(filters: SearchFilters): (shortId: number) => boolean {
    const topic = filters.topic ? this.base.topicSlugs.indexOf(filters.topic) : null
    const reviewer = filters.reviewer ? this.base.reviewerNames.indexOf(filters.reviewer) : null
    const year = filters.year ? Number(filters.year) : null
    return (shortId) => {
      if (topic !== null && !(this.base.topics[shortId] ?? []).includes(topic)) return false
      if (reviewer !== null && !(this.base.reviewers[shortId] ?? []).includes(reviewer)) return false
      if (year !== null && Math.floor((this.base.dates[shortId] ?? 0) / 10000) !== year) return false
      return true
    }
  }
}
