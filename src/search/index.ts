/**
 * Search: papers → the files of in-browser search (see `options.ts` for the
 * layout). Builds the primary and text MiniSearch indexes with the shared
 * options, splits their terms into shards, writes the base file and one fragment
 * per paper, and bundles the client with esbuild. Shards, base and script get
 * content-hashed names, so they can be cached forever.
 */
import { createHash } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { build as esbuild } from 'esbuild'
import MiniSearch from 'minisearch'
import type { Topic } from '../catalog/topics.ts'
import type { Paper, Review } from '../model.ts'
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
  type SearchShard,
  type TextDocument,
} from './options.ts'

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
  readonly files: ReadonlyMap<string, string | Uint8Array>
  readonly assets: SearchAssets
  readonly stats: SearchStats
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

/** A search output as the build cache stores it (JSON: binary files as base64), with the key it was built for. */
export interface CachedSearchOutput {
  readonly key: string
  readonly files: ReadonlyArray<readonly [string, string, 'utf8' | 'base64']>
  readonly assets: SearchAssets
  readonly stats: SearchStats
}

/** Where a whole search output is remembered between builds. */
export interface SearchCache {
  get(key: string): CachedSearchOutput | undefined
  set(key: string, value: CachedSearchOutput): void
}

let searchSources: string | null = null

/** The cache slot of the latest search output (a fixed, valid cache key). */
const LATEST_SEARCH = '00'.padEnd(64, '0')

/**
 * Build the search files, or reuse the previous build's when nothing they are made
 * of changed: the papers' searchable fields and review text, the topics, and the
 * search code itself (options, index, client) with the installed packages.
 */
export async function buildSearchCached(input: SearchInput, cache: SearchCache | null): Promise<SearchOutput> {
  if (!cache) return buildSearch(input)
  searchSources ??= (() => {
    const hash = createHash('sha256')
    const here = import.meta.dirname
    for (const file of ['options.ts', 'index.ts', 'query.ts', 'client/search-page.ts']) hash.update(readFileSync(path.join(here, file)))
    const lockFile = path.resolve(here, '../../package-lock.json')
    if (existsSync(lockFile)) hash.update(readFileSync(lockFile))
    return hash.digest('hex')
  })()
  const hash = createHash('sha256').update(searchSources).update(JSON.stringify(input.topics.map((topic) => [topic.slug, topic.name])))
  for (const paper of input.papers) {
    hash.update(JSON.stringify([paper.id, paper.title, paper.tags, paper.reviews.map((review) => [review.date, review.reviewers, input.textOf(review)])]))
  }
  const key = hash.digest('hex')
  // One slot: only the latest output is kept, so the cache does not grow with every edit.
  const cached = cache.get(LATEST_SEARCH)
  if (cached?.key === key) {
    return {
      files: new Map(cached.files.map(([file, contents, encoding]) => [file, encoding === 'utf8' ? contents : Buffer.from(contents, 'base64')])),
      assets: cached.assets,
      stats: cached.stats,
    }
  }
  const output = await buildSearch(input)
  cache.set(LATEST_SEARCH, {
    key,
    files: [...output.files].map(([file, contents]) => (typeof contents === 'string' ? [file, contents, 'utf8'] as const : [file, Buffer.from(contents).toString('base64'), 'base64'] as const)),
    assets: output.assets,
    stats: output.stats,
  })
  return output
}

/** Build every search file. */
export async function buildSearch(input: SearchInput): Promise<SearchOutput> {
  const { papers } = input
  const primary = new MiniSearch(PRIMARY_INDEX_OPTIONS)
  primary.addAll(primaryDocuments(papers, input.topics))
  const text = new MiniSearch(TEXT_INDEX_OPTIONS)
  text.addAll(textDocuments(papers, input.textOf))

  const files = new Map<string, string | Uint8Array>()
  const hashed = (folder: string, name: string, contents: string): string => {
    const file = `search/${folder}${name}.${createHash('sha256').update(contents).digest('hex').slice(0, 12)}.json`
    files.set(file, contents)
    return file
  }
  const shardIndex = (index: MiniSearch, folder: string) => {
    const { index: entries, documentIds: _ids, storedFields: _stored, ...tables } = index.toJSON()
    const byKey = new Map<string, SearchShard>()
    for (const entry of entries) {
      const key = shardKey(entry[0])
      const shard = byKey.get(key)
      if (shard) shard.push(entry)
      else byKey.set(key, [entry])
    }
    const map: Record<string, string> = {}
    let bytes = 0
    for (const key of [...byKey.keys()].sort(compareStrings)) {
      const contents = JSON.stringify(searchFile('shard', byKey.get(key)!))
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
  const script = await bundleClient()
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
function commonTerms(index: MiniSearch): string[] {
  if (index.documentCount < COMMON_TERMS_FROM) return []
  const threshold = index.documentCount * COMMON_TERM_SHARE
  const common: string[] = []
  for (const [term, fields] of index.toJSON().index) {
    const documents = new Set<string>()
    for (const postings of Object.values(fields)) for (const id of Object.keys(postings)) documents.add(id)
    if (documents.size > threshold) common.push(term)
  }
  return common.sort(compareStrings)
}

/** A shard key as a file name: letters and digits kept, anything else as its code point. */
function fileSafe(key: string): string {
  return [...key].map((char) => (/^[a-z0-9]$/.test(char) ? char : `_${char.codePointAt(0)!.toString(16)}`)).join('')
}

let bundled: Promise<Uint8Array> | null = null

/** The search page script: TypeScript bundled with MiniSearch, minified. Built once per process. */
export function bundleClient(): Promise<Uint8Array> {
  bundled ??= esbuild({
    entryPoints: [path.join(import.meta.dirname, 'client/search-page.ts')],
    bundle: true,
    minify: true,
    format: 'esm',
    target: ['es2020'],
    platform: 'browser',
    write: false,
    legalComments: 'none',
    logLevel: 'silent',
  }).then((result) => result.outputFiles[0]!.contents)
  return bundled
}
