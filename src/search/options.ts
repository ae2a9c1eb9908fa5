/**
 * The search index's options, shared by the build (which creates the index) and
 * the browser (which loads it), so the two can never drift apart. Plain data and
 * pure functions only: this module is bundled into the client.
 *
 * Two indexes, so the first results arrive fast even for large digests:
 * - the *primary* index holds what identifies a paper (title, topics, reviewers,
 *   arXiv id) and the few stored fields a result needs; it loads first;
 * - the *text* index holds the plain text of the reviews; it loads right after,
 *   and adds papers that only the review text mentions.
 */
import type { Options, SearchOptions } from 'minisearch'

/** Version of the serialised search files; the client refuses any other. */
export const SEARCH_FORMAT_VERSION = 1

/** Name written in every serialised search file. */
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
  /** The arXiv id, when there is one. */
  readonly arxiv: string
  /** Stored: display title. */
  readonly t: string
  /** Stored: newest review date `YYYY-MM-DD`, or ''. */
  readonly d: string
  /** Stored: reviewer names. */
  readonly r: readonly string[]
  /** Stored: topic slugs. */
  readonly g: readonly string[]
}

/** A paper as the text index sees it. */
export interface TextDocument {
  readonly id: string
  /** Plain text of all its reviews. */
  readonly text: string
}

/** Words that carry no meaning for search. */
const STOP_WORDS = new Set([
  'a', 'an', 'and', 'are', 'as', 'at', 'be', 'by', 'for', 'from', 'has', 'have', 'in', 'into', 'is', 'it', 'its',
  'of', 'on', 'or', 'that', 'the', 'their', 'this', 'to', 'was', 'we', 'were', 'which', 'with',
])

/** arXiv ids stay whole (`2405.05417`), everything else splits into letter/digit runs. */
const TOKEN = /\d{4}\.\d{4,5}|[\p{L}\p{N}]+/gu

/** Split text into terms. */
export function tokenize(text: string): string[] {
  return text.match(TOKEN) ?? []
}

/** Normalise a term: lower case, accents folded; stop words dropped. */
export function processTerm(term: string): string | null {
  const folded = term.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase()
  return STOP_WORDS.has(folded) ? null : folded
}

/** How queries are matched: prefixes from three letters, typos in longer words. */
export const QUERY_DEFAULTS: SearchOptions = {
  prefix: (term) => term.length >= 3,
  fuzzy: (term) => (term.length >= 8 ? 0.25 : term.length >= 5 ? 0.2 : false),
  maxFuzzy: 2,
  combineWith: 'OR',
}

/** Options of the primary index. Title matches weigh most, then topics. */
export const PRIMARY_INDEX_OPTIONS: Options<PrimaryDocument> = {
  idField: 'id',
  fields: ['title', 'topics', 'reviewers', 'arxiv'],
  storeFields: ['t', 'd', 'r', 'g'],
  tokenize,
  processTerm,
  searchOptions: { ...QUERY_DEFAULTS, boost: { title: 3, topics: 2, arxiv: 5, reviewers: 1.5 } },
}

/** Options of the text index: no stored fields, ids only. */
export const TEXT_INDEX_OPTIONS: Options<TextDocument> = {
  idField: 'id',
  fields: ['text'],
  storeFields: [],
  tokenize,
  processTerm,
  searchOptions: QUERY_DEFAULTS,
}

/** The envelope every serialised search file has. */
export interface SearchFile<T> {
  readonly format: typeof SEARCH_FORMAT
  readonly version: number
  readonly kind: 'primary' | 'text' | 'excerpts'
  readonly data: T
}

/** Check a fetched search file; throws with a clear message when it cannot be used. */
export function openSearchFile<T>(file: unknown, kind: SearchFile<T>['kind']): T {
  const envelope = file as Partial<SearchFile<T>> | null
  if (!envelope || envelope.format !== SEARCH_FORMAT || envelope.kind !== kind) {
    throw new Error(`research-digest: this is not a ${kind} search file`)
  }
  if (envelope.version !== SEARCH_FORMAT_VERSION) {
    throw new Error(`research-digest: the ${kind} search file has format version ${String(envelope.version)}, this page reads version ${SEARCH_FORMAT_VERSION}; reload the page`)
  }
  return envelope.data as T
}
