/**
 * The search index's options and file format, shared by the build (which writes
 * the index) and the browser (which loads it), so the two can never drift apart.
 * Plain data and pure functions only: this module is bundled into the client.
 *
 * Layout, designed so the first results of a 10,000-paper digest need well under
 * 300 kB (see `SearchBase`):
 * - a *base* file: the document table both indexes share (ids, field lengths),
 *   per-paper dates, topics and reviewers for filtering, and the shard map;
 * - the *primary* index (title, topics, reviewers) and the *text* index (review
 *   text), each split into shards by the first two characters of the term, so a
 *   query loads only the shards of its own terms; primary shards first, text
 *   shards right after;
 * - one small *fragment* per paper (title, date, reviewers, topics, excerpt),
 *   fetched only for results on screen.
 */
import type { AsPlainObject, Options, SearchOptions } from 'minisearch'

/** Version of the search files; the client refuses any other. */
export const SEARCH_FORMAT_VERSION = 3

/** Name written in every search file. */
export const SEARCH_FORMAT = 'research-digest-search'

/** A paper as the primary index sees it. */
export interface PrimaryDocument {
  /** The paper id (also its URL segment). */
  readonly id: string
  readonly title: string
  /** Topic names and slugs, space-separated. */
  readonly topics: string
  /** Reviewer names, space-separated. */
  readonly reviewers: string
}

/** A paper as the text index sees it. */
export interface TextDocument {
  readonly id: string
  /** Plain text of all its reviews. */
  readonly text: string
}

/** What the page shows for one result. */
export interface SearchFragment {
  readonly id: string
  readonly title: string
  /** Newest review date `YYYY-MM-DD`, or ''. */
  readonly date: string
  readonly reviewers: readonly string[]
  /** Topic slugs. */
  readonly topics: readonly string[]
  /** The opening of the newest review, as plain text. */
  readonly excerpt: string
}

/** Words that carry no meaning for search. */
const STOP_WORDS = new Set([
  'a', 'an', 'and', 'are', 'as', 'at', 'be', 'by', 'for', 'from', 'has', 'have', 'in', 'into', 'is', 'it', 'its',
  'of', 'on', 'or', 'that', 'the', 'their', 'this', 'to', 'was', 'we', 'were', 'which', 'with',
])

/** arXiv ids stay whole (`2405.05417`), everything else splits into letter/digit runs. */
const TOKEN = /\d{4}\.\d{4,5}|[\p{L}\p{N}]+/gu

const NON_ASCII = /[^\x00-\x7f]/

/** Split text into terms. */
export function tokenize(text: string): string[] {
  return text.match(TOKEN) ?? []
}

/** Normalise a term: lower case, accents folded; stop words dropped. */
export function processTerm(term: string): string | null {
  // Plain ASCII has nothing to fold: skip the (slow) Unicode normalisation.
  const folded = NON_ASCII.test(term) ? term.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase() : term.toLowerCase()
  return STOP_WORDS.has(folded) ? null : folded
}

/**
 * The shard a term lives in: its first two characters. Prefix and fuzzy matches
 * of a query term stay within its shard, so a typo in the first two letters of a
 * word is the one kind of typo search does not forgive.
 */
export function shardKey(term: string): string {
  return [...term].slice(0, 2).join('')
}

/** How queries are matched: prefixes from three letters, typos in longer words. */
export const QUERY_DEFAULTS: SearchOptions = {
  prefix: (term) => term.length >= 3,
  fuzzy: (term) => (term.length >= 8 ? 0.25 : term.length >= 5 ? 0.2 : false),
  maxFuzzy: 2,
  combineWith: 'OR',
}

/** Field boosts: a title match weighs most, then topics, then reviewers; review text counts once. */
export const FIELD_BOOST: Readonly<Record<string, number>> = { title: 3, topics: 2, reviewers: 1.5, text: 1 }

/** Fields whose match makes a result "strong" (ranked above text-only matches). */
export const STRONG_FIELDS: ReadonlySet<string> = new Set(['title', 'topics', 'reviewers'])

/** Options of the primary index. */
export const PRIMARY_INDEX_OPTIONS: Options<PrimaryDocument> = {
  idField: 'id',
  fields: ['title', 'topics', 'reviewers'],
  storeFields: [],
  tokenize,
  processTerm,
  searchOptions: { ...QUERY_DEFAULTS, boost: FIELD_BOOST },
}

/**
 * Options of the text index. Prefixes start at five letters and typos allow one
 * edit in words of six or more: a three-letter prefix of review text ("dif…") or a
 * two-edit typo expands to hundreds of words with thousands of postings each, too
 * slow for every keystroke in a large digest. Titles still match from three
 * letters and with two typos.
 */
export const TEXT_INDEX_OPTIONS: Options<TextDocument> = {
  idField: 'id',
  fields: ['text'],
  storeFields: [],
  tokenize,
  processTerm,
  searchOptions: { ...QUERY_DEFAULTS, prefix: (term) => term.length >= 5, fuzzy: (term) => (term.length >= 6 ? 1 : false), boost: FIELD_BOOST },
}

/** One serialised MiniSearch index without its terms: those live in shards. */
export type IndexTables = Omit<AsPlainObject, 'index' | 'documentIds' | 'storedFields'>

/** The base file: everything a query needs besides the shards of its terms. */
export interface SearchBase {
  /** Paper ids by MiniSearch short id (both indexes share them). */
  readonly ids: readonly string[]
  readonly primary: IndexTables
  readonly text: IndexTables
  /** Shard files by shard key, per index, site-relative. */
  readonly shards: { readonly primary: Readonly<Record<string, string>>; readonly text: Readonly<Record<string, string>> }
  /** Fragment file of a paper: `fragments` + short id + `.json`. */
  readonly fragments: string
  /** Per paper (by short id): newest review date as YYYYMMDD, or 0. */
  readonly dates: readonly number[]
  /** Per paper: indexes into `topicSlugs`. */
  readonly topics: ReadonlyArray<readonly number[]>
  /** Per paper: indexes into `reviewerNames`. */
  readonly reviewers: ReadonlyArray<readonly number[]>
  readonly topicSlugs: readonly string[]
  readonly topicNames: readonly string[]
  readonly reviewerNames: readonly string[]
  /**
   * Words in so many reviews (see {@link COMMON_TERM_SHARE}) that they barely
   * change a ranking: next to a rarer word, the text index skips them.
   */
  readonly commonTerms: readonly string[]
}

/** A word of the review text is common when more than this share of papers use it (in digests of 1,000+ papers). */
export const COMMON_TERM_SHARE = 0.4

/** Below this many papers every word is searched in the review text. */
export const COMMON_TERMS_FROM = 1000

/** One shard: the index entries of its terms. */
export type SearchShard = AsPlainObject['index']

/** The envelope every search file has. */
export interface SearchFile<T> {
  readonly format: typeof SEARCH_FORMAT
  readonly version: number
  readonly kind: 'base' | 'shard' | 'fragment'
  readonly data: T
}

/** Check a fetched search file; throws with a clear message when it cannot be used. */
export function openSearchFile<T>(file: unknown, kind: SearchFile<T>['kind']): T {
  const envelope = file as Partial<SearchFile<T>> | null
  if (!envelope || envelope.format !== SEARCH_FORMAT || envelope.kind !== kind) {
    throw new Error(`research-digest: this is not a search ${kind} file`)
  }
  if (envelope.version !== SEARCH_FORMAT_VERSION) {
    throw new Error(`research-digest: the search ${kind} file has format version ${String(envelope.version)}, this page reads version ${SEARCH_FORMAT_VERSION}; reload the page`)
  }
  return envelope.data as T
}

/** Wrap data in the envelope. */
export function searchFile<T>(kind: SearchFile<T>['kind'], data: T): SearchFile<T> {
  return { format: SEARCH_FORMAT, version: SEARCH_FORMAT_VERSION, kind, data }
}
