/**
 * Search: papers → the files of in-browser search (see `options.ts` for the
 * layout). Builds the primary and text MiniSearch indexes with the shared
 * options, splits their terms into shards, writes the base file and one fragment
 * per paper, and bundles the client with esbuild. Shards, base and script get
 * content-hashed names, so they can be cached forever.
 */
import { createHash, hash } from 'node:crypto'
import { buildSync as esbuildSync } from 'esbuild'
import type { Topic } from '../catalog/topics.ts'
import { hashFiles, hashLockFile } from '../code-fingerprint.ts'
import type { Paper, Review } from '../model.ts'
import type { DeferredFile } from '../output/write-site.ts'
import { compareStrings } from '../ordering.ts'
import { excerptOf } from '../render/excerpt.ts'
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
import { averageFieldLengths, patchShard, postingsDocumentFrequency, reduceChange, termsOf, type DocumentChange } from './shard-patch.ts'
import { analysisOptions, analyzeDocument, buildIndex, packAnalysis, unpackAnalysis, type AnalysisOptions, type AnalyzedDocument, type BuiltIndex } from './term-index.ts'
import { sourcePath } from '../source-root.ts'

/** What search needs from earlier stages. */
export interface SearchInput {
  readonly papers: readonly Paper[]
  /** Plain text of a review. */
  readonly textOf: (review: Review) => string
  /**
   * A digest standing for {@link textOf}'s text of a review, for the cache key:
   * a build whose key matches the previous one reads no text at all. Without it,
   * the text itself is hashed.
   */
  readonly textKeyOf?: (review: Review) => string
  readonly topics: readonly Topic[]
  /** The excerpt of a review's text (see `render/excerpt.ts`); by default made from {@link textOf}. */
  readonly excerptOf?: (review: Review) => string
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
  return papers.map((paper) => primaryDocument(paper, topicNames))
}

function primaryDocument(paper: Paper, topicNames: ReadonlyMap<string, string>): PrimaryDocument {
  return {
    id: paper.id,
    title: paper.title,
    topics: paper.tags.map((slug) => `${topicNames.get(slug) ?? slug} ${slug}`).join(' '),
    reviewers: reviewersOf(paper).join(' '),
  }
}

/** The documents of the text index. */
export function textDocuments(papers: readonly Paper[], textOf: (review: Review) => string): TextDocument[] {
  return papers.map((paper) => ({ id: paper.id, text: paper.reviews.map(textOf).join('\n') }))
}

/**
 * What the search stage derives from one paper record, made once per record:
 * records are immutable, and a `digest dev` session keeps unchanged ones between
 * builds, so a rebuild after an edit derives this only for the papers it changed.
 * Each part made with a function or topics of the input records them, and is made
 * again for others.
 */
interface PaperSearchFacts {
  reviewers?: readonly string[]
  newestDate?: string
  /** What the search output's key hashes of the paper, with the text key function it was made with. */
  keyPart?: { readonly textKeyOf: (review: Review) => string; readonly part: string }
  /** The primary document's field values and analysis hash, for the topics (as JSON) they were made with. */
  primary?: { readonly topics: string; readonly values: readonly string[]; readonly hash: string }
  /** The text document's analysis hash, from its reviews' text keys made with `textKeyOf`. */
  textHash?: { readonly textKeyOf: (review: Review) => string; readonly hash: string }
  /**
   * The search fragment as made last: a function of the record and its latest
   * excerpt, so a session makes unchanged papers' fragments only when it writes
   * them. (The JSON is not kept: 5.5 MB at 10k reviews.)
   */
  fragment?: FragmentDigest
}

const paperFacts = new WeakMap<Paper, PaperSearchFacts>()

function factsOf(paper: Paper): PaperSearchFacts {
  let facts = paperFacts.get(paper)
  if (!facts) paperFacts.set(paper, (facts = {}))
  return facts
}

function reviewersOf(paper: Paper): readonly string[] {
  const facts = factsOf(paper)
  return (facts.reviewers ??= [...new Set(paper.reviews.flatMap((review) => review.reviewers))])
}

function newestDate(paper: Paper): string {
  const facts = factsOf(paper)
  return (facts.newestDate ??= paper.reviews.map((review) => review.date ?? '').reduce((max, date) => (date > max ? date : max), ''))
}

/** What the search output's key hashes of `paper`: its searchable fields, and each review's text (or text key). */
function searchKeyPart(paper: Paper, input: SearchInput): string {
  const { textKeyOf } = input
  const facts = textKeyOf ? factsOf(paper) : null
  if (facts?.keyPart && facts.keyPart.textKeyOf === textKeyOf) return facts.keyPart.part
  let part = JSON.stringify([paper.id, paper.title, paper.tags, paper.reviews.map((review) => [review.date, review.reviewers])])
  // Review text as it is (or its key), after its length: JSON-escaping it first would cost more than hashing it.
  for (const review of paper.reviews) {
    const text = textKeyOf ? textKeyOf(review) : input.textOf(review)
    part += `\0${text.length}\0${text}`
  }
  if (facts && textKeyOf) facts.keyPart = { textKeyOf, part }
  return part
}

/** What is known of a paper's search fragment, for the excerpt it was made with: its JSON's digest and length, and how to make it. */
interface FragmentDigest {
  readonly excerpt: string
  readonly digest: string
  readonly length: number
  /** Makes the JSON again (when the file is written). */
  readonly make: () => string
}

/** What is known of `paper`'s fragment showing `excerpt`. At module level, so its `make` closes over nothing of a build. */
function fragmentDigest(paper: Paper, excerpt: string): FragmentDigest {
  const contents = fragmentJson(paper, excerpt)
  return { excerpt, digest: contentDigest(contents), length: contents.length, make: () => fragmentJson(paper, excerpt) }
}

/** Fragment file names by short id, made once each. */
const fragmentNames: string[] = []

/** A paper's search fragment file, showing `excerpt`. A module-level function: what a {@link FragmentDigest} keeps must hold no build's data. */
function fragmentJson(paper: Paper, excerpt: string): string {
  const fragment: SearchFragment = { id: paper.id, title: paper.title, date: newestDate(paper), reviewers: reviewersOf(paper), topics: paper.tags, excerpt }
  return JSON.stringify(searchFile('fragment', fragment))
}

/** What the build cache keeps of the search stage. */
export type SearchCacheEntry =
  /**
   * The latest output: its key, names, assets and sizes, and each file's content digest
   * (small: read on every build). When the key matches, nothing is built.
   */
  | { readonly slot: 'output'; readonly key: string; readonly files: ReadonlyArray<readonly [string, string]>; readonly assets: SearchAssets; readonly stats: SearchStats }
  /** What the latest build needs to be updated rather than rebuilt (see {@link SearchState}). */
  | { readonly slot: 'state'; readonly state: SearchState }
  /** One shard file or the script of the latest build, keyed `file\0<name>`. */
  | { readonly slot: 'file'; readonly contents: string }
  /** One document's analysis (packed, see `term-index.ts`), keyed `analysis\0<hash of index and field values>`. */
  | { readonly slot: 'analysis'; readonly packed: string }

/** Where the search stage remembers its latest output between builds. */
export interface SearchCache {
  get(key: string): SearchCacheEntry | undefined
  set(key: string, value: SearchCacheEntry): void
  /** Is there an entry for `key` (without reading it)? */
  has(key: string): boolean
  /** Keep a stored entry without reading it (entries a build neither reads nor keeps may be dropped). */
  keep(key: string): void
}

/** One index of the latest build, as the next build updates it. */
export interface IndexState {
  /** Per document (by short id): the hash of its analysis's cache key. */
  readonly hashes: readonly string[]
  readonly tables: IndexTables
  /** Shard key, file name, length in characters. */
  readonly shards: ReadonlyArray<readonly [string, string, number]>
}

/** The latest build's indexes, for updating them after a small edit. */
export interface SearchState {
  readonly code: string
  readonly ids: readonly string[]
  readonly topics: string
  readonly primary: IndexState
  readonly text: IndexState
  readonly commonTerms: readonly string[]
  readonly script: string
}

let searchSources: string | null = null

/** The cache slots (fixed, valid cache keys). */
const SLOTS = { output: 'search-output', state: 'search-state' } as const
const fileEntry = (name: string) => `file\0${name}`
const analysisEntry = (hash: string) => `analysis\0${hash}`

/** At most this many changed documents are patched into the previous shards; more, and the indexes are rebuilt. */
const MAX_PATCHED_DOCUMENTS = 8

/** A hash of the search code (options, index builder, client) and the installed packages. */
function searchCode(): string {
  searchSources ??= hashLockFile(hashFiles(createHash('sha256'), sourcePath('search'), SEARCH_SOURCES)).digest('hex')
  return searchSources
}

const SEARCH_SOURCES = ['options.ts', 'index.ts', 'term-index.ts', 'shard-patch.ts', 'query.ts', 'client/search-page.ts']

/** A digest of a search file's contents: with its name, the file's key for the output stage. */
function contentDigest(contents: string | Uint8Array): string {
  return hash('sha1', contents, 'base64')
}

/**
 * Build the search files, or reuse the previous build's.
 *
 * - Nothing they are made of changed (the papers' searchable fields and review
 *   text, the topics, the search code and installed packages): nothing is built.
 *   Every file is deferred; should one be missing from the output folder, the
 *   whole search output is rebuilt (once) to make it.
 * - A few documents changed and every paper kept its place: the shards holding
 *   their old and new terms are read from the cache and patched (see
 *   `shard-patch.ts`); the rest are kept as they are.
 * - Otherwise the indexes are rebuilt, reusing the analysis of every document
 *   analysed before.
 *
 * Every file is keyed by its contents, so the output stage writes only files whose bytes changed.
 */
export function buildSearchCached(input: SearchInput, cache: SearchCache | null): SearchOutput {
  if (!cache) return buildSearch(input)
  const topics = topicsKey(input.topics)
  const hash = createHash('sha256').update(searchCode()).update(topics)
  for (const paper of input.papers) hash.update(searchKeyPart(paper, input))
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

  const previousFiles = new Map<string, string>(cached?.slot === 'output' && Array.isArray(cached.files) ? cached.files : [])
  const stored = cache.get(SLOTS.state)
  const previous = stored?.slot === 'state' ? stored.state : null
  const patched = previous ? patchIndexes(input, previous, topics, cache) : null
  if (patched) {
    const output = assembleSearch(input, patched.primary, patched.text, patched.commonTerms, patched.scriptFile, null)
    const recorded = recordOutput(input, cache, key, topics, output, previousFiles)
    if (recorded) return recorded
  }
  const rebuilt = rebuildIndexes(input, cache)
  const script = bundleClient()
  const output = assembleSearch(input, rebuilt.primary, rebuilt.text, rebuilt.commonTerms, scriptFileOf(script), script)
  return recordOutput(input, cache, key, topics, output, previousFiles)!
}

/**
 * Key every search file by its contents, remember the new ones and the state for
 * the next build, and defer them all. A file unchanged since the previous build
 * (null contents) is made from the cache if the output stage must write it; null
 * when the previous build's digest of one is unknown.
 */
function recordOutput(input: SearchInput, cache: SearchCache, key: string, topics: string, output: AssembledSearch, previousFiles: ReadonlyMap<string, string>): SearchOutput | null {
  let rebuilt: BuiltSearch | null = null
  const fromCache = (name: string): string | Uint8Array => {
    const entry = cache.get(fileEntry(name))
    if (entry?.slot === 'file') return entry.contents
    rebuilt ??= buildSearch(input)
    return rebuilt.files.get(name) ?? ''
  }
  const files = new Map<string, DeferredFile>()
  const digests: Array<readonly [string, string]> = []
  for (const [name, contents] of output.files) {
    const digest = contents === null || typeof contents === 'function' ? (output.knownDigests.get(name) ?? previousFiles.get(name)) : contentDigest(contents)
    if (digest === undefined) return null
    files.set(name, { key: `search\0${name}\0${digest}`, render: contents === null ? () => fromCache(name) : typeof contents === 'function' ? contents : () => contents })
    digests.push([name, digest])
  }
  for (const [name, contents] of output.files) {
    if (contents !== null && typeof contents !== 'function' && (name.startsWith('search/p/') || name.startsWith('search/t/') || name === output.assets.script)) {
      cache.set(fileEntry(name), { slot: 'file', contents: typeof contents === 'string' ? contents : Buffer.from(contents).toString('utf8') })
    }
  }
  cache.set(SLOTS.state, { slot: 'state', state: output.state(searchCode(), topics) })
  cache.set(SLOTS.output, { slot: 'output', key, files: digests, assets: output.assets, stats: output.stats })
  return { files, assets: output.assets, stats: output.stats }
}

/**
 * One shard file: its name, length, and contents; or, for a shard already in the
 * cache, null contents and (when this build stored it) its content digest, else
 * it is unchanged since the previous build, whose digest is known.
 */
interface ShardFile {
  readonly file: string
  readonly bytes: number
  readonly contents: string | null
  readonly digest?: string
}

/** One index's shards by key. */
interface ShardedIndex {
  readonly tables: IndexTables
  readonly shards: ReadonlyMap<string, ShardFile>
  readonly hashes: readonly string[]
}

interface IndexParts {
  readonly primary: ShardedIndex
  readonly text: ShardedIndex
  readonly commonTerms: readonly string[]
}

/** The documents of one index: per document (by short id), the hash naming its analysis, and its field values, made when asked for. */
interface DocumentSource {
  readonly hashes: readonly string[]
  readonly fieldsOf: (shortId: number) => string[]
}

/**
 * The documents of both indexes. A text document's hash covers its reviews' text
 * keys when the input has them, so only documents analysed anew read any text.
 */
function documentSources(input: SearchInput): { primary: DocumentSource; text: DocumentSource } {
  const primaryFields = PRIMARY_INDEX_OPTIONS.fields as string[]
  const topics = topicsKey(input.topics)
  let topicNames: Map<string, string> | null = null
  const primaryOf = (paper: Paper) => {
    const facts = factsOf(paper)
    if (facts.primary?.topics !== topics) {
      topicNames ??= new Map(input.topics.map((topic) => [topic.slug, topic.name]))
      const document = primaryDocument(paper, topicNames)
      const values = primaryFields.map((field) => document[field as keyof PrimaryDocument])
      facts.primary = { topics, values, hash: analysisHash('primary', values) }
    }
    return facts.primary
  }
  const textFieldsOf = (shortId: number) => textFieldValues(input.papers[shortId]!, input.textOf)
  const { textKeyOf } = input
  return {
    primary: { hashes: input.papers.map((paper) => primaryOf(paper).hash), fieldsOf: (shortId) => [...primaryOf(input.papers[shortId]!).values] },
    text: {
      hashes: textKeyOf ? input.papers.map((paper) => textKeyHash(paper, textKeyOf)) : input.papers.map((_paper, shortId) => analysisHash('text', textFieldsOf(shortId))),
      fieldsOf: textFieldsOf,
    },
  }
}

/** The hash naming a paper's text document analysis, from its reviews' text keys (see {@link SearchInput.textKeyOf}). */
function textKeyHash(paper: Paper, textKeyOf: (review: Review) => string): string {
  const facts = factsOf(paper)
  if (facts.textHash?.textKeyOf !== textKeyOf) facts.textHash = { textKeyOf, hash: analysisHash('text-keys', paper.reviews.map(textKeyOf)) }
  return facts.textHash.hash
}

let textAnalysis: AnalysisOptions | null = null

/**
 * Analyse a paper's text document now, ahead of the search stage, and store the
 * analysis in `cache`, where the stage (given the same `textKeyOf`) finds it
 * rather than tokenizing the text itself. A build calls this while summaries
 * still render on worker threads, for each paper whose summaries are all there:
 * work moved off the single-threaded stages after rendering. Nothing is done
 * for a document whose analysis the cache holds.
 */
export function analyzeTextAhead(paper: Paper, textOf: (review: Review) => string, textKeyOf: (review: Review) => string, cache: SearchCache): void {
  const hash = textKeyHash(paper, textKeyOf)
  if (cache.has(analysisEntry(hash))) return
  textAnalysis ??= analysisOptions(TEXT_INDEX_OPTIONS)
  analysisOf(textAnalysis, hash, () => textFieldValues(paper, textOf), cache)
}

/** A paper's text document as the values of the text index's fields, in order. */
function textFieldValues(paper: Paper, textOf: (review: Review) => string): string[] {
  const [document] = textDocuments([paper], textOf)
  return (TEXT_INDEX_OPTIONS.fields as string[]).map((field) => document![field as keyof TextDocument])
}

/** The topics as the search files depend on them (slugs and names, in order), as JSON. */
function topicsKey(topics: readonly Topic[]): string {
  return JSON.stringify(topics.map((topic) => [topic.slug, topic.name]))
}

function analysisHash(kind: string, fields: readonly string[]): string {
  return hash('sha1', `${kind}\0${fields.join('\0')}`, 'base64')
}

/** The analysis of one document: from the cache when it was analysed before, else analysed now (from `fieldsOf()`) and stored. */
function analysisOf(options: AnalysisOptions, hash: string, fieldsOf: () => readonly string[], cache: SearchCache | null): AnalyzedDocument {
  const entry = cache?.get(analysisEntry(hash))
  const reused = entry?.slot === 'analysis' ? unpackAnalysis(entry.packed) : null
  if (reused) return reused
  const document = analyzeDocument(options, fieldsOf())
  cache?.set(analysisEntry(hash), { slot: 'analysis', packed: packAnalysis(document) })
  return document
}

/**
 * Build both indexes from scratch (documents analysed before are not tokenized
 * again), one after the other. Documents are analysed (or read) as the index
 * takes them, and with a cache each shard is stored there as it is made, so
 * neither every analysis nor every shard is in memory at once.
 */
function rebuildIndexes(input: SearchInput, cache: SearchCache | null): IndexParts {
  const ids = input.papers.map((paper) => paper.id)
  const sources = documentSources(input)
  const build = (kind: 'primary' | 'text', options: typeof PRIMARY_INDEX_OPTIONS | typeof TEXT_INDEX_OPTIONS, folder: string) => {
    const analysis = analysisOptions(options)
    const { hashes, fieldsOf } = sources[kind]
    function* documents() {
      for (const [shortId, hash] of hashes.entries()) yield analysisOf(analysis, hash, () => fieldsOf(shortId), cache)
    }
    const index = buildIndex(options.fields as string[], ids, documents())
    return { sharded: shardIndex(index, folder, hashes, cache), common: kind === 'text' ? commonTerms(index) : [] }
  }
  const primary = build('primary', PRIMARY_INDEX_OPTIONS, 'p/')
  const text = build('text', TEXT_INDEX_OPTIONS, 't/')
  return { primary: primary.sharded, text: text.sharded, commonTerms: text.common }
}

/**
 * Patch the previous build's indexes when only a few documents changed and every
 * paper kept its short id; null when that is not possible (then they are rebuilt).
 */
function patchIndexes(input: SearchInput, previous: SearchState, topics: string, cache: SearchCache): (IndexParts & { readonly scriptFile: string }) | null {
  if (previous.code !== searchCode() || previous.topics !== topics || previous.ids.length !== input.papers.length) return null
  if (input.papers.some((paper, index) => paper.id !== previous.ids[index])) return null
  const sources = documentSources(input)
  const plan = (kind: 'primary' | 'text', state: IndexState) => {
    const { hashes } = sources[kind]
    const changed = hashes.flatMap((hash, shortId) => (hash === state.hashes[shortId] ? [] : [shortId]))
    return { hashes, changed }
  }
  const primaryPlan = plan('primary', previous.primary)
  const textPlan = plan('text', previous.text)
  if (primaryPlan.changed.length + textPlan.changed.length > MAX_PATCHED_DOCUMENTS) return null
  if (!cache.has(fileEntry(previous.script))) return null

  const patch = (kind: 'primary' | 'text', options: typeof PRIMARY_INDEX_OPTIONS | typeof TEXT_INDEX_OPTIONS, folder: string, state: IndexState, { hashes, changed }: { hashes: readonly string[]; changed: number[] }) => {
    const analysis = analysisOptions(options)
    const changes: DocumentChange[] = []
    for (const shortId of changed) {
      const before = cache.get(analysisEntry(state.hashes[shortId]!))
      const beforeAnalysis = before?.slot === 'analysis' ? unpackAnalysis(before.packed) : null
      if (!beforeAnalysis) return null
      changes.push(reduceChange({ shortId, before: beforeAnalysis, after: analysisOf(analysis, hashes[shortId]!, () => sources[kind].fieldsOf(shortId), cache) }))
    }
    for (const [shortId, hash] of hashes.entries()) if (!changed.includes(shortId)) cache.keep(analysisEntry(hash))
    const touchedKeys = new Set<string>()
    for (const change of changes) for (const document of [change.before, change.after]) for (const term of termsOf(document)) touchedKeys.add(shardKey(term))
    const shards = new Map<string, { file: string; bytes: number; contents: string | null }>(state.shards.map(([shard, file, bytes]) => [shard, { file, bytes, contents: null }]))
    const touched = new Map<string, Parameters<typeof postingsDocumentFrequency>[0]>()
    for (const shard of touchedKeys) {
      const old = shards.get(shard)
      let entries: Array<[string, Parameters<typeof postingsDocumentFrequency>[0]]> = []
      if (old) {
        const stored = cache.get(fileEntry(old.file))
        if (stored?.slot !== 'file') return null
        entries = (JSON.parse(stored.contents) as { data: typeof entries }).data
      }
      const patched = patchShard(entries, changes, (term) => shardKey(term) === shard)
      for (const [term, postings] of patched.touched) touched.set(term, postings)
      if (patched.entryJson.length === 0) {
        shards.delete(shard)
        continue
      }
      const contents = shardContents(patched.entryJson)
      const file = shardFileName(folder, shard, contents)
      // Patched to the same bytes (a term's postings moved within the shard, say): unchanged.
      shards.set(shard, { file, bytes: contents.length, contents: file === old?.file ? null : contents })
    }
    for (const { file, contents } of shards.values()) if (contents === null) cache.keep(fileEntry(file))
    const fieldLength: Record<string, number[]> = { ...(state.tables.fieldLength as Record<string, number[]>) }
    for (const change of changes) fieldLength[change.shortId] = [...change.after.lengths]
    const tables: IndexTables = { ...state.tables, fieldLength, averageFieldLength: averageFieldLengths(fieldLength, input.papers.length) }
    const sorted = new Map([...shards].sort(([a], [b]) => compareStrings(a, b)))
    return { sharded: { tables, shards: sorted, hashes } satisfies ShardedIndex, touched }
  }
  const primary = patch('primary', PRIMARY_INDEX_OPTIONS, 'p/', previous.primary, primaryPlan)
  const text = patch('text', TEXT_INDEX_OPTIONS, 't/', previous.text, textPlan)
  if (!primary || !text) return null
  const count = input.papers.length
  let common: string[] = []
  if (count >= COMMON_TERMS_FROM) {
    common = previous.commonTerms.filter((term) => !text.touched.has(term))
    for (const [term, postings] of text.touched) if (postingsDocumentFrequency(postings) > count * COMMON_TERM_SHARE) common.push(term)
    common.sort(compareStrings)
  }
  cache.keep(fileEntry(previous.script))
  return { primary: primary.sharded, text: text.sharded, commonTerms: common, scriptFile: previous.script }
}

// A shard file is the envelope with the shard's index entries as `data`, written from each entry's JSON.
const EMPTY_SHARD = JSON.stringify(searchFile('shard', []))
if (!EMPTY_SHARD.endsWith('"data":[]}')) throw new Error('research-digest: the search file envelope must end with its data')

function shardContents(entryJson: readonly string[]): string {
  return `${EMPTY_SHARD.slice(0, -2)}${entryJson.join(',')}]}`
}

function shardFileName(folder: string, shard: string, contents: string): string {
  return hashedName(folder, fileSafe(shard), contents)
}

function hashedName(folder: string, name: string, contents: string | Uint8Array): string {
  return `search/${folder}${name}.${createHash('sha256').update(contents).digest('hex').slice(0, 12)}.json`
}

function scriptFileOf(script: string | Uint8Array): string {
  return `search/search.${createHash('sha256').update(script).digest('hex').slice(0, 12)}.js`
}

/**
 * Split an index's terms into shard files, one shard at a time. With a cache,
 * each shard is stored there as it is made and kept in memory only as its digest.
 */
function shardIndex(index: BuiltIndex, folder: string, hashes: readonly string[], cache: SearchCache | null): ShardedIndex {
  const { documentIds: _ids, storedFields: _stored, ...tables } = index.tables
  const byKey = new Map<string, string[]>()
  for (const term of index.terms) {
    const key = shardKey(term)
    const shard = byKey.get(key)
    if (shard) shard.push(term)
    else byKey.set(key, [term])
  }
  const shards = new Map<string, ShardFile>()
  for (const key of [...byKey.keys()].sort(compareStrings)) {
    const contents = shardContents(byKey.get(key)!.map((term) => index.entryJson(term)))
    byKey.delete(key)
    const file = shardFileName(folder, key, contents)
    if (cache) {
      cache.set(fileEntry(file), { slot: 'file', contents })
      shards.set(key, { file, bytes: contents.length, contents: null, digest: contentDigest(contents) })
    } else {
      shards.set(key, { file, bytes: contents.length, contents })
    }
  }
  return { tables: tables as IndexTables, shards, hashes }
}

/** Build every search file from scratch, with no cache. */
export function buildSearch(input: SearchInput): BuiltSearch {
  const parts = rebuildIndexes(input, null)
  const script = bundleClient()
  const output = assembleSearch(input, parts.primary, parts.text, parts.commonTerms, scriptFileOf(script), script)
  const files = new Map<string, string | Uint8Array>()
  for (const [name, contents] of output.files) files.set(name, typeof contents === 'function' ? contents() : contents!)
  return { files, assets: output.assets, stats: output.stats }
}

/**
 * Every search file, with the state to remember for the next build. A file's
 * contents are null when it is in the cache (unchanged since the previous build,
 * or stored there by this one), or a function making them again (fragments: cheap
 * to make, and 100,000 of them are not worth holding until they are written).
 */
interface AssembledSearch {
  readonly files: ReadonlyMap<string, string | Uint8Array | null | (() => string)>
  /** Digests of the files this build stored in the cache or will make again. */
  readonly knownDigests: ReadonlyMap<string, string>
  readonly assets: SearchAssets
  readonly stats: SearchStats
  readonly state: (code: string, topics: string) => SearchState
}

/**
 * The search files from both indexes' shards: shards, one fragment per paper, the
 * base file and the script. Files unchanged since the previous build (shards and
 * script given without contents) map to null.
 */
function assembleSearch(
  input: SearchInput,
  primary: ShardedIndex,
  text: ShardedIndex,
  commonTermList: readonly string[],
  scriptFile: string,
  script: string | Uint8Array | null,
): AssembledSearch {
  const { papers } = input
  const files = new Map<string, string | Uint8Array | null | (() => string)>()
  const knownDigests = new Map<string, string>()
  const shardMap = (index: ShardedIndex) => {
    const map: Record<string, string> = {}
    let bytes = 0
    for (const [key, shard] of index.shards) {
      map[key] = shard.file
      bytes += shard.bytes
      files.set(shard.file, shard.contents)
      if (shard.digest !== undefined) knownDigests.set(shard.file, shard.digest)
    }
    return { map, bytes }
  }
  const primaryShards = shardMap(primary)
  const textShards = shardMap(text)

  const topicSlugs = input.topics.map((topic) => topic.slug)
  const reviewerNames = [...new Set(papers.flatMap(reviewersOf))].sort(compareStrings)
  const topicIndex = new Map(topicSlugs.map((slug, index) => [slug, index]))
  const reviewerIndex = new Map(reviewerNames.map((name, index) => [name, index]))
  let fragmentBytes = 0
  const excerpt = input.excerptOf ?? ((review: Review) => excerptOf(input.textOf(review)))
  // An excerpt is empty only for empty text.
  const latestExcerpt = (paper: Paper): string => {
    for (let index = paper.reviews.length - 1; index >= 0; index--) {
      const shown = excerpt(paper.reviews[index]!)
      if (shown !== '') return shown
    }
    return ''
  }
  papers.forEach((paper, shortId) => {
    const shown = latestExcerpt(paper)
    const facts = factsOf(paper)
    if (facts.fragment?.excerpt !== shown) facts.fragment = fragmentDigest(paper, shown)
    const known = facts.fragment
    const name = (fragmentNames[shortId] ??= `search/f/${shortId}.json`)
    fragmentBytes += known.length
    knownDigests.set(name, known.digest)
    files.set(name, known.make)
  })
  const base: SearchBase = {
    ids: papers.map((paper) => paper.id),
    primary: primary.tables,
    text: text.tables,
    shards: { primary: primaryShards.map, text: textShards.map },
    fragments: 'search/f/',
    dates: papers.map((paper) => Number(newestDate(paper).replaceAll('-', '') || 0)),
    topics: papers.map((paper) => paper.tags.map((slug) => topicIndex.get(slug)).filter((index): index is number => index !== undefined)),
    reviewers: papers.map((paper) => reviewersOf(paper).map((name) => reviewerIndex.get(name)!)),
    topicSlugs,
    topicNames: input.topics.map((topic) => topic.name),
    reviewerNames,
    commonTerms: [...commonTermList],
  }
  const baseContents = JSON.stringify(searchFile('base', base))
  const baseFile = hashedName('', 'base', baseContents)
  files.set(baseFile, baseContents)
  files.set(scriptFile, script)
  const indexState = (index: ShardedIndex): IndexState => ({ hashes: index.hashes, tables: index.tables, shards: [...index.shards].map(([key, shard]) => [key, shard.file, shard.bytes] as const) })
  return {
    files,
    knownDigests,
    assets: { base: baseFile, script: scriptFile },
    stats: {
      papers: papers.length,
      primaryShards: primary.shards.size,
      textShards: text.shards.size,
      baseBytes: baseContents.length,
      primaryBytes: primaryShards.bytes,
      textBytes: textShards.bytes,
      fragmentBytes,
    },
    state: (code, topics) => ({ code, ids: base.ids, topics, primary: indexState(primary), text: indexState(text), commonTerms: base.commonTerms, script: scriptFile }),
  }
}

/** Terms of the text index used by more than {@link COMMON_TERM_SHARE} of the papers. */
function commonTerms(index: BuiltIndex): string[] {
  const count = index.tables.documentCount
  if (count < COMMON_TERMS_FROM) return []
  return index.terms.filter((term) => index.documentFrequency(term) > count * COMMON_TERM_SHARE).sort(compareStrings)
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
