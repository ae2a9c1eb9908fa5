/**
 * Search: papers → the files of in-browser search (see `options.ts` for the
 * layout). Builds the primary and text MiniSearch indexes with the shared
 * options, splits their terms into shards, writes the base file and one fragment
 * per paper, and bundles the client with esbuild. Shards, base and script get
 * content-hashed names, so they can be cached forever.
 */
import { createHash } from 'node:crypto'
import { buildSync as esbuildSync } from 'esbuild'
import type { Topic } from '../catalog/topics.ts'
import { hashFiles, hashLockFile } from '../code-fingerprint.ts'
import type { Paper, Review } from '../model.ts'
import type { DeferredFile } from '../output/write-site.ts'
import { compareStrings } from '../ordering.ts'
import { excerptOf } from '../render/view-model.ts'
import {
  COMMON_TERM_SHARE,
  COMMON_TERMS_FROM,
  PRIMARY_INDEX_OPTIONS,
  searchFile,
  shardKey,
  TEXT_INDEX_OPTIONS,
  type IndexTables,
  type PrimaryDocument,
  type SearchBase,
  type SearchFragment,
  type TextDocument,
} from './options.ts'
import { analysisOptions, analyzeDocument, buildIndex, packAnalysis, unpackAnalysis, type AnalysisOptions, type AnalyzedDocument, type BuiltIndex } from './term-index.ts'
import { sourcePath } from '../source-root.ts'

/** What search needs from earlier stages. */
export interface SearchInput {
  readonly papers: readonly Paper[]
  /** Plain text of a review. */
  readonly textOf: (review: Review) => string
  readonly topics: readonly Topic[]
}

/** Site-relative paths the search page needs. */
export interface SearchAssets {
  readonly base: string
  readonly script: string
}

/** Sizes of what was written, for reports and budgets. */
export interface SearchStats {
  readonly papers: number
  readonly primaryShards: number
  readonly textShards: number
  readonly baseBytes: number
  readonly primaryBytes: number
  readonly textBytes: number
  readonly fragmentBytes: number
}

/** Files, their names and their sizes. */
export interface SearchOutput {
  /** Deferred when reused from the build cache. */
  readonly files: ReadonlyMap<string, string | Uint8Array | DeferredFile>
  readonly assets: SearchAssets
  readonly stats: SearchStats
}

/** A freshly built search output: every file's contents in memory. */
export interface BuiltSearch extends SearchOutput {
  readonly files: ReadonlyMap<string, string | Uint8Array>
}

/** The documents of the primary index. */
export function primaryDocuments(papers: readonly Paper[], topics: readonly Topic[]): PrimaryDocument[] {
  const topicNames = new Map(topics.map((topic) => [topic.slug, topic.name]))
  return papers.map((paper) => ({
    id: paper.id,
    title: paper.title,
    topics: paper.tags.map((slug) => `${topicNames.get(slug) ?? slug} ${slug}`).join(' '),
    reviewers: reviewersOf(paper).join(' '),
  }))
}

/** The documents of the text index. */
export function textDocuments(papers: readonly Paper[], textOf: (review: Review) => string): TextDocument[] {
  return papers.map((paper) => ({ id: paper.id, text: paper.reviews.map(textOf).join('\n') }))
}

function reviewersOf(paper: Paper): string[] {
  return [...new Set(paper.reviews.flatMap((review) => review.reviewers))]
}

function newestDate(paper: Paper): string {
  return paper.reviews.map((review) => review.date ?? '').reduce((max, date) => (date > max ? date : max), '')
}

/** What the build cache keeps of the search stage, in two fixed slots. */
export type SearchCacheEntry =
  /**
   * The latest output: its key, names, assets and sizes, and each file's content digest
   * (small: read on every build). The files themselves are not kept: they are in the
   * output folder, and rebuilt from the input only if one must be written again.
   */
  | { readonly slot: 'output'; readonly key: string; readonly files: ReadonlyArray<readonly [string, string]>; readonly assets: SearchAssets; readonly stats: SearchStats }
  /** Every document's analysis from the latest build, for the next one: read only when something changed. */
  | { readonly slot: 'terms'; readonly code: string; readonly documents: ReadonlyArray<readonly [string, string]> }

/** Where the search stage remembers its latest output between builds. */
export interface SearchCache {
  get(key: string): SearchCacheEntry | undefined
  set(key: string, value: SearchCacheEntry): void
}

let searchSources: string | null = null

/**
 * The cache slots (fixed, valid cache keys): only the latest build is kept, so the cache does not grow with every edit.
 * Slot 1 held the files themselves up to cache format 2; it is no longer read or written.
 */
const SLOTS = { output: '00'.padEnd(63, '0') + '3', terms: '00'.padEnd(63, '0') + '2' } as const

/** A hash of the search code (options, index builder, client) and the installed packages. */
function searchCode(): string {
  searchSources ??= hashLockFile(hashFiles(createHash('sha256'), sourcePath('search'), SEARCH_SOURCES)).digest('hex')
  return searchSources
}

const SEARCH_SOURCES = ['options.ts', 'index.ts', 'term-index.ts', 'query.ts', 'client/search-page.ts']

/** A search file's key for the output stage: its name and a digest of its contents, so a file changes key only when its bytes change. */
function fileKey(name: string, contents: string | Uint8Array): string {
  return `search\0${name}\0${createHash('sha1').update(contents).digest('base64')}`
}

/**
 * Build the search files, or reuse the previous build's when nothing they are made
 * of changed: the papers' searchable fields and review text, the topics, and the
 * search code itself (options, index, client) with the installed packages.
 *
 * Every file is deferred and keyed by its contents, so the output stage writes only
 * files whose bytes changed: after one edit, a handful of shards and one fragment.
 * When nothing changed, the files are not built at all; should one be missing from the
 * output folder, the whole search output is rebuilt (once) to make it. After a change,
 * documents analysed by the previous build are not tokenized again.
 */
export function buildSearchCached(input: SearchInput, cache: SearchCache | null): SearchOutput {
  if (!cache) return buildSearch(input)
  const hash = createHash('sha256').update(searchCode()).update(JSON.stringify(input.topics.map((topic) => [topic.slug, topic.name])))
  for (const paper of input.papers) {
    hash.update(JSON.stringify([paper.id, paper.title, paper.tags, paper.reviews.map((review) => [review.date, review.reviewers, input.textOf(review)])]))
  }
  const key = hash.digest('hex')
  const cached = cache.get(SLOTS.output)
  if (cached?.slot === 'output' && cached.key === key && Array.isArray(cached.files)) {
    let rebuilt: BuiltSearch | null = null
    const contentsOf = (name: string): string | Uint8Array => {
      rebuilt ??= buildSearch(input)
      const contents = rebuilt.files.get(name)
      if (contents === undefined) throw new Error(`research-digest: the search file ${name} recorded in the build cache was not rebuilt; delete the cache folder (or build with --no-cache)`)
      return contents
    }
    return {
      files: new Map(cached.files.map(([name, digest]) => [name, { key: `search\0${name}\0${digest}`, render: () => contentsOf(name) }])),
      assets: cached.assets,
      stats: cached.stats,
    }
  }
  const previous = cache.get(SLOTS.terms)
  const known = new Map(previous?.slot === 'terms' && previous.code === searchCode() ? previous.documents : [])
  const used = new Map<string, string>()
  const output = buildSearch(input, { known, used })
  const keyed = [...output.files].map(([name, contents]) => [name, contents, fileKey(name, contents)] as const)
  cache.set(SLOTS.output, {
    slot: 'output',
    key,
    files: keyed.map(([name, , fileKeyOf]) => [name, fileKeyOf.slice(fileKeyOf.lastIndexOf('\0') + 1)] as const),
    assets: output.assets,
    stats: output.stats,
  })
  cache.set(SLOTS.terms, { slot: 'terms', code: searchCode(), documents: [...used] })
  return { ...output, files: new Map(keyed.map(([name, contents, fileKeyOf]) => [name, { key: fileKeyOf, render: () => contents }])) }
}

/**
 * Analyses of documents (packed, see `term-index.ts`) by a hash of the document:
 * `known` from an earlier build, read for reuse; `used` filled with every document of this build.
 */
export interface AnalysisReuse {
  readonly known: ReadonlyMap<string, string>
  readonly used: Map<string, string>
}

/** Build every search file. `analyses` lets unchanged documents skip tokenizing. */
export function buildSearch(input: SearchInput, analyses: AnalysisReuse = { known: new Map(), used: new Map() }): BuiltSearch {
  const { papers } = input
  const ids = papers.map((paper) => paper.id)
  const primaryFields = PRIMARY_INDEX_OPTIONS.fields as string[]
  const primaryValues = primaryDocuments(papers, input.topics).map((document) => primaryFields.map((field) => document[field as keyof PrimaryDocument]))
  const primary = buildIndex(primaryFields, ids, analyzeAll(analysisOptions(PRIMARY_INDEX_OPTIONS), 'primary', primaryValues, analyses))
  const textFields = TEXT_INDEX_OPTIONS.fields as string[]
  const textValues = textDocuments(papers, input.textOf).map((document) => textFields.map((field) => document[field as keyof TextDocument]))
  const text = buildIndex(textFields, ids, analyzeAll(analysisOptions(TEXT_INDEX_OPTIONS), 'text', textValues, analyses))

  const files = new Map<string, string | Uint8Array>()
  const hashed = (folder: string, name: string, contents: string): string => {
    const file = `search/${folder}${name}.${createHash('sha256').update(contents).digest('hex').slice(0, 12)}.json`
    files.set(file, contents)
    return file
  }
  // A shard file is the envelope with the shard's index entries as `data`, written from each entry's JSON.
  const emptyShard = JSON.stringify(searchFile('shard', []))
  if (!emptyShard.endsWith('"data":[]}')) throw new Error('research-digest: the search file envelope must end with its data')
  const shardIndex = (index: BuiltIndex, folder: string) => {
    const { documentIds: _ids, storedFields: _stored, ...tables } = index.tables
    const byKey = new Map<string, string[]>()
    for (const term of index.terms) {
      const key = shardKey(term)
      const shard = byKey.get(key)
      if (shard) shard.push(index.entryJson(term))
      else byKey.set(key, [index.entryJson(term)])
    }
    const map: Record<string, string> = {}
    let bytes = 0
    for (const key of [...byKey.keys()].sort(compareStrings)) {
      const contents = `${emptyShard.slice(0, -2)}${byKey.get(key)!.join(',')}]}`
      bytes += contents.length
      map[key] = hashed(folder, fileSafe(key), contents)
    }
    return { tables: tables as IndexTables, map, bytes, count: byKey.size }
  }
  const primaryShards = shardIndex(primary, 'p/')
  const textShards = shardIndex(text, 't/')

  const topicSlugs = input.topics.map((topic) => topic.slug)
  const reviewerNames = [...new Set(papers.flatMap(reviewersOf))].sort(compareStrings)
  const topicIndex = new Map(topicSlugs.map((slug, index) => [slug, index]))
  const reviewerIndex = new Map(reviewerNames.map((name, index) => [name, index]))
  let fragmentBytes = 0
  papers.forEach((paper, shortId) => {
    const latest = [...paper.reviews].reverse().find((review) => input.textOf(review) !== '')
    const fragment: SearchFragment = {
      id: paper.id,
      title: paper.title,
      date: newestDate(paper),
      reviewers: reviewersOf(paper),
      topics: paper.tags,
      excerpt: latest ? excerptOf(input.textOf(latest)) : '',
    }
    const contents = JSON.stringify(searchFile('fragment', fragment))
    fragmentBytes += contents.length
    files.set(`search/f/${shortId}.json`, contents)
  })
  const base: SearchBase = {
    ids: papers.map((paper) => paper.id),
    primary: primaryShards.tables,
    text: textShards.tables,
    shards: { primary: primaryShards.map, text: textShards.map },
    fragments: 'search/f/',
    dates: papers.map((paper) => Number(newestDate(paper).replaceAll('-', '') || 0)),
    topics: papers.map((paper) => paper.tags.map((slug) => topicIndex.get(slug)).filter((index): index is number => index !== undefined)),
    reviewers: papers.map((paper) => reviewersOf(paper).map((name) => reviewerIndex.get(name)!)),
    topicSlugs,
    topicNames: input.topics.map((topic) => topic.name),
    reviewerNames,
    commonTerms: commonTerms(text),
  }
  const baseContents = JSON.stringify(searchFile('base', base))
  const baseFile = hashed('', 'base', baseContents)
  const script = bundleClient()
  const scriptFile = `search/search.${createHash('sha256').update(script).digest('hex').slice(0, 12)}.js`
  files.set(scriptFile, script)
  return {
    files,
    assets: { base: baseFile, script: scriptFile },
    stats: {
      papers: papers.length,
      primaryShards: primaryShards.count,
      textShards: textShards.count,
      baseBytes: baseContents.length,
      primaryBytes: primaryShards.bytes,
      textBytes: textShards.bytes,
      fragmentBytes,
    },
  }
}

/** Terms of the text index used by more than {@link COMMON_TERM_SHARE} of the papers. */
function commonTerms(index: BuiltIndex): string[] {
  const count = index.tables.documentCount
  if (count < COMMON_TERMS_FROM) return []
  return index.terms.filter((term) => index.documentFrequency(term) > count * COMMON_TERM_SHARE).sort(compareStrings)
}

/** Analyse documents, reusing the analysis of any document seen before (same index, same field values). */
function analyzeAll(options: AnalysisOptions, kind: string, values: ReadonlyArray<readonly string[]>, analyses: AnalysisReuse): AnalyzedDocument[] {
  return values.map((fields) => {
    const hash = createHash('sha1').update(kind).update('\0').update(fields.join('\0')).digest('base64')
    const packed = analyses.known.get(hash)
    const reused = packed === undefined ? null : unpackAnalysis(packed)
    const document = reused ?? analyzeDocument(options, fields)
    analyses.used.set(hash, packed !== undefined && reused ? packed : packAnalysis(document))
    return document
  })
}

/** A shard key as a file name: letters and digits kept, anything else as its code point. */
function fileSafe(key: string): string {
  return [...key].map((char) => (/^[a-z0-9]$/.test(char) ? char : `_${char.codePointAt(0)!.toString(16)}`)).join('')
}

let bundled: Uint8Array | null = null

/** The search page script: TypeScript bundled with MiniSearch, minified. Built once per process. */
export function bundleClient(): Uint8Array {
  bundled ??= esbuildSync({
    entryPoints: [sourcePath('search', 'client', 'search-page.ts')],
    bundle: true,
    minify: true,
    format: 'esm',
    target: ['es2020'],
    platform: 'browser',
    write: false,
    legalComments: 'none',
    logLevel: 'silent',
  }).outputFiles[0]!.contents
  return bundled
}
