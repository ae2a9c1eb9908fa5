/**
 * The build: a thin composition of the stages
 * ingest → catalog → render (summaries) → search → render (pages) → output,
 * the summaries rendered (on worker threads) while the catalog tags papers and,
 * once it is done, while papers' search texts are analysed as their summaries come.
 * Each stage hands typed data to the next; only `output` touches the disk for
 * writing, and nothing here prints or exits (that is the CLI's job).
 */
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { readFile, stat } from 'node:fs/promises'
import path from 'node:path'
import { VFile } from 'vfile'
import type { ResolvedConfig } from './config.ts'
import { report } from './diagnostics/report.ts'
import { DigestErrors, type DigestError } from './errors.ts'
import { startCatalog, type PaperMemory, type TagCache } from './catalog/index.ts'
import type { Taxonomy } from './catalog/topics.ts'
import { buildCodeFingerprint } from './code-fingerprint.ts'
import { outputRecordFile, prepareStamp, stampBuild, takeInputs, writeStamp, type PendingStamp } from './up-to-date.ts'
import { fileState } from './file-state.ts'
import { parseTaxonomyCached, type CachedTaxonomy, type TaxonomyCache } from './catalog/taxonomy-cache.ts'
import type { IngestedSource } from './ingest/index.ts'
import { createIngestMemory, ingestRemembering, ingestSourceCached, restoreRemembered, type CachedIngest, type IngestCache, type IngestMemory } from './ingest/ingest-cache.ts'
import { listContentFiles, readContentFile, type UnreadableContent } from './ingest/read-content.ts'
import type { Paper, Review } from './model.ts'
import type { RenderedSummary } from './render/markdown.ts'
import { createRenderMemory, planSummaries, renderPlannedSummaries, renderSite, reportSummaryProblems, sourceInfo, type RenderMemory } from './render/index.ts'
import { preloadSummaryRenderer, rendersOnWorkers } from './render/summary-pool.ts'
import { buildSearchCached, type SearchCache, type SearchCacheEntry } from './search/index.ts'
import { createTextAnalysisAhead } from './search/text-ahead.ts'
import { openDiskCache, type DiskCache, type DiskCacheOptions } from './output/disk-cache.ts'
import { createOutputMemory, planOutput, saveOutputMemory, writeOutput, type OutputMemory, type SiteFileContents, type WriteReport } from './output/write-site.ts'
import { NO_SUMMARY_CACHE, summaryCacheKey, summaryCacheOn, type CachedSummaryHtml, type CachedSummaryMeta, type CachedSummaryText, type SummaryCache } from './render/summary-cache.ts'
import { sourcePath } from './source-root.ts'

/** Wall time of each stage, in milliseconds. */
export interface StageTimings {
  ingest: number
  catalog: number
  /**
   * Rendering review summaries (Markdown, sanitizing, KaTeX), or taking them from
   * the cache. Many render on worker threads alongside `catalog`: then this is the
   * time rendering took beyond it.
   */
  render: number
  search: number
  /** Rendering pages, feeds and data files from templates. */
  pages: number
  output: number
}

/** What a build produced. */
export interface BuildResult {
  /** One file per content file (plus the taxonomy), each with its messages. */
  readonly files: readonly VFile[]
  readonly sources: readonly IngestedSource[]
  readonly papers: readonly Paper[]
  /** The site as written (or as it would be written, with `write: false`); read deferred files with `fileContents`. */
  readonly site: ReadonlyMap<string, SiteFileContents>
  /** What the output stage wrote, left unchanged and removed; null with `write: false`. */
  readonly output: WriteReport | null
  readonly timings: Readonly<StageTimings>
}

/** Where a running build is, for progress displays. */
export interface BuildProgress {
  readonly stage: keyof StageTimings
  /** Items of the stage done so far, out of `total`; both 0 for a stage that is not counted. */
  readonly done: number
  readonly total: number
  /** What is counted, e.g. "summaries". */
  readonly unit: string
}

/** Called when a stage starts and as counted work in it progresses. */
export type ProgressListener = (progress: BuildProgress) => void

/** Options for one build run. */
export interface BuildOptions {
  /** Write the site to `config.outDir`. @default true */
  readonly write?: boolean
  /** Told when each stage starts, and how far summary rendering and the making of pages (in `output`) are. */
  readonly onProgress?: ProgressListener
}

/** Caches a build may use; absent ones are not used. */
export interface BuildCaches {
  readonly ingest?: IngestCache | null
  readonly summaries?: SummaryCache | null
  readonly tags?: { get(key: string): string[] | undefined; set(key: string, tags: string[]): void; keep(key: string): void } | null
  readonly taxonomy?: TaxonomyCache | null
  /** A session's memory of its builds' content files and papers: unchanged files are not read again, unchanged papers are the same objects. */
  readonly memory?: Pick<SessionMemory, 'ingest' | 'papers'> | null
  /** The search stage's cache: with it, papers' text documents are analysed into it while many summaries still render (see `search/text-ahead.ts`). */
  readonly search?: SearchCache | null
}

/** The tagger's own source (with the taxonomy cache's): a change to it invalidates cached tags. */
const TAGGER_SOURCE = Buffer.concat([readFileSync(sourcePath('catalog', 'topics.ts')), readFileSync(sourcePath('catalog', 'taxonomy-cache.ts'))])

/** Everything known about the content before any page is made. */
export interface ContentAnalysis {
  /** One file per content file (plus the taxonomy), each with its messages. */
  readonly files: readonly VFile[]
  readonly sources: readonly IngestedSource[]
  readonly taxonomy: Taxonomy
  readonly papers: readonly Paper[]
  /** Every review's rendered summary. */
  readonly rendered: ReadonlyMap<Review, RenderedSummary>
  readonly timings: Readonly<Pick<StageTimings, 'ingest' | 'catalog' | 'render'>>
}

/**
 * Read and ingest every content file, one at a time: a file's bytes and text are
 * let go once it is parsed (records read summaries again from the files), so the
 * content folder (about 480 MB at 100k reviews) is never all in memory.
 */
async function ingestContentFolder(folder: string, cache: IngestCache | null, memory: IngestMemory | null): Promise<{ sources: IngestedSource[]; unreadable: UnreadableContent[] }> {
  const sources: IngestedSource[] = []
  const unreadable: UnreadableContent[] = []
  const listed = await listContentFiles(folder)
  if (memory) {
    const present = new Set(listed)
    for (const relative of memory.keys()) if (!present.has(relative)) memory.delete(relative)
  }
  const session = cache && memory ? { cache, memory } : null
  for (const relative of listed) {
    // In a session, a file unchanged since the session last read it is not read again.
    const location = path.join(folder, relative)
    const signature = session && (await fileState(location))
    const remembered = session && restoreRemembered(relative, location, signature, session.cache, session.memory)
    if (remembered) {
      sources.push(remembered)
      continue
    }
    const read = await readContentFile(folder, relative)
    if ('reason' in read) unreadable.push(read)
    else sources.push(session ? ingestRemembering(read, signature, session.cache, session.memory) : ingestSourceCached(read, cache))
  }
  return { sources, unreadable }
}

/**
 * Read, parse and validate all content: ingest, catalog and the rendering of
 * every summary (which finds math errors). Writes nothing: `digest check` is this.
 */
export async function analyzeContent(config: ResolvedConfig, caches: BuildCaches = {}, onProgress: ProgressListener = () => {}): Promise<ContentAnalysis> {
  let started = performance.now()
  onProgress({ stage: 'ingest', done: 0, total: 0, unit: 'files' })
  await assertFolder(config.contentDir, () => DigestErrors.contentFolderMissing(config.contentDir))
  const { sources, unreadable } = await ingestContentFolder(config.contentDir, caches.ingest ?? null, caches.memory?.ingest ?? null)
  const files: VFile[] = sources.map((source) => source.file)
  for (const problem of unreadable) {
    const file = new VFile({ path: problem.path })
    report(file, 'unreadable-file', `Could not read ${problem.path}: ${problem.reason}`)
    files.push(file)
  }
  const ingest = performance.now() - started

  started = performance.now()
  onProgress({ stage: 'catalog', done: 0, total: 0, unit: 'papers' })
  const { taxonomy, file: taxonomyFile } = await loadTaxonomy(config, caches.taxonomy ?? null)
  files.push(taxonomyFile)
  const tagCache: TagCache | null = caches.tags
    ? { fingerprint: createHash('sha256').update(String(taxonomyFile.value ?? '')).update(TAGGER_SOURCE).digest('hex'), get: (key) => caches.tags!.get(key), set: (key, tags) => caches.tags!.set(key, tags), keep: (key) => caches.tags!.keep(key) }
    : null
  const catalogRun = startCatalog(sources, taxonomy, tagCache, caches.memory?.papers ?? null)
  const summaryCache = caches.summaries ?? NO_SUMMARY_CACHE
  const plan = planSummaries(catalogRun.reviews, summaryCache)
  // Many summaries render on worker threads while this thread tags the papers, then analyses papers' search
  // texts as their summaries come (see search/text-ahead.ts). A few render on this thread after the catalog:
  // alongside it, they would gain nothing. Render progress is told once the catalog is done, so stages are told in order.
  const onWorkers = rendersOnWorkers(plan.missing.size)
  const ahead = onWorkers && caches.search ? createTextAnalysisAhead(caches.search, summaryCacheKey) : null
  let renderStage: ((done: number, total: number) => void) | null = null
  let renderedSoFar: [number, number] = [0, plan.missing.size]
  const renderMissing = () =>
    renderPlannedSummaries(
      plan,
      summaryCache,
      (done, total) => {
        renderedSoFar = [done, total]
        renderStage?.(done, total)
      },
      ahead ? (review, summary) => ahead.rendered(review, summary) : undefined,
    )
  const early = onWorkers ? renderMissing() : null
  // Awaited once the catalog is done; a failure before then is not an unhandled rejection meanwhile.
  early?.catch(() => {})
  /** Rendering is not left running after the build failed. */
  const failed = async (error: unknown): Promise<never> => {
    await early?.catch(() => {})
    throw error
  }
  const papers = await catalogRun.finish().catch(failed)
  const catalog = performance.now() - started

  started = performance.now()
  renderStage = (done, total) => onProgress({ stage: 'render', done, total, unit: 'summaries' })
  renderStage(...renderedSoFar)
  await ahead?.papersKnown(papers).catch(failed)
  const rendered = await (early ?? renderMissing())
  reportSummaryProblems(papers, rendered, new Map(sources.map((source) => [source.file.path, source.file])))
  const render = performance.now() - started
  return { files, sources, taxonomy, papers, rendered, timings: { ingest, catalog, render } }
}

/** The build cache, one store per kind of entry; all null without a cache folder. */
interface OpenCaches {
  readonly summaries: SummaryCache | null
  readonly tags: DiskCache<string[]> | null
  readonly ingest: DiskCache<CachedIngest> | null
  readonly search: DiskCache<SearchCacheEntry> | null
  readonly taxonomy: DiskCache<CachedTaxonomy> | null
  /** Each paper's piece of `papers.json`, as UTF-8. */
  readonly paperPieces: DiskCache<Uint8Array> | null
  /** Every store, to flush, close or release them all. */
  readonly all: ReadonlyArray<Pick<DiskCache<unknown>, 'flush' | 'close' | 'release'>>
}

/**
 * Open every store of the build cache. `spill`: stores of large values write them
 * to disk as they are set (see {@link DiskCacheOptions.spill}), for a single build
 * that writes the site (and so flushes the cache, keeping what it spilled). A build
 * that writes nothing (`write: false`, `digest check`) or a session (which keeps
 * values in memory) opens them without: a spilled value is gone once the cache is
 * closed without a flush, and such a build's site is read after that.
 */
function openCaches(config: ResolvedConfig, { retain = false, spill = false }: { retain?: boolean; spill?: boolean } = {}): OpenCaches {
  const open = <T>(name: string, more: DiskCacheOptions = {}): DiskCache<T> | null =>
    config.cacheDir ? openDiskCache<T>(config.cacheDir, name, { retain, ...more, spill: spill && (more.spill ?? false) }) : null
  const summaryMeta = open<CachedSummaryMeta>('summaries')
  // Summaries' text and HTML are most of a first build's memory: written to disk as they are rendered.
  const summaryText = open<CachedSummaryText>('summary-text', { spill: true })
  const summaryHtml = open<CachedSummaryHtml>('summary-html', { spill: true })
  const tags = open<string[]>('tags')
  const ingest = open<CachedIngest>('ingest')
  // Each document's analysis and each shard, as the search stage makes them.
  const search = open<SearchCacheEntry>('search', { spill: true })
  const taxonomy = open<CachedTaxonomy>('taxonomy')
  const paperPieces = open<Uint8Array>('papers-json', { raw: true, spill: true })
  const all = [summaryMeta, summaryText, summaryHtml, tags, ingest, search, taxonomy, paperPieces].flatMap((cache) => (cache ? [cache] : []))
  return { summaries: summaryMeta && summaryText && summaryHtml ? summaryCacheOn(summaryMeta, summaryText, summaryHtml) : null, tags, ingest, search, taxonomy, paperPieces, all }
}

/**
 * `digest check`: read and validate the content as a build would, taking
 * unchanged files and summaries from the build cache when there is one, but
 * writing nothing, not even to the cache.
 */
export async function checkContent(config: ResolvedConfig, onProgress: ProgressListener = () => {}): Promise<ContentAnalysis> {
  const caches = openCaches(config)
  try {
    return await analyzeContent(config, { summaries: caches.summaries, tags: caches.tags, ingest: caches.ingest, taxonomy: caches.taxonomy }, onProgress)
  } finally {
    for (const cache of caches.all) cache.close()
  }
}

/**
 * Run the whole pipeline once. Content problems become messages; only setup and
 * I/O failures throw. A build that writes the site with a cache folder leaves a
 * stamp of what it read, wrote and reported, for `findUpToDateBuild`
 * (`up-to-date.ts`).
 */
export async function build(config: ResolvedConfig, options: BuildOptions = {}): Promise<BuildResult> {
  // Taken before anything is read: a file changed during the build makes the next digest differ.
  const inputs = options.write !== false ? await takeInputs(config) : null
  const result = await buildWith(config, openCaches(config, { spill: options.write !== false }), null, options)
  if (inputs) await stampBuild(inputs, result)
  return result
}

/** Builds of one site in one process, sharing what they read from the build cache. */
export interface BuildSession {
  /**
   * Build as {@link build} does, reading from disk only cache entries no earlier
   * build of the session read. What only later processes need is not written:
   * the cache's new entries and the output manifest wait for {@link save}.
   */
  build(options?: BuildOptions): Promise<BuildResult>
  /**
   * Write what the session's builds left in memory only, for the processes after
   * it: new cache entries, and the manifest of the output written last. (`digest
   * dev` saves once it has been idle a moment, so an edit's rebuild does not wait
   * for it.) Until then a build in another process re-renders what the session
   * rendered, and checks the files it wrote by their bytes: slower, never wrong.
   */
  save(): Promise<void>
  /**
   * Do now, while waiting for a change, what the first rebuild after an edit
   * would otherwise wait for: load the summary renderer (about half a second).
   * The builds' results are the same without.
   */
  prepare(): Promise<void>
  /**
   * End the session: save, then stamp the site its last build wrote (as
   * {@link build} does after each build), so a `digest build` right after
   * `digest dev` finds it up to date. Nothing is stamped when the last build
   * failed or wrote nothing. Closes the cache files the session holds open.
   */
  close(): Promise<void>
}

/**
 * Start a session of builds of `config`'s site: for `digest dev`, which rebuilds
 * after every change. The build cache stays open and its entries stay in memory
 * (those a build no longer uses are let go, as on disk), so a rebuild after an
 * edit costs what the edit changed rather than a reread of the whole cache. The
 * stages remember what they made (see {@link SessionMemory}), so unchanged
 * content files are not read again and unchanged papers keep their views and
 * page keys. The result is the same as {@link build}'s, byte for byte.
 */
export function openBuildSession(config: ResolvedConfig): BuildSession {
  const caches = openCaches(config, { retain: true })
  const memory: SessionMemory = { ingest: createIngestMemory(), papers: new Map(), render: createRenderMemory(), output: createOutputMemory() }
  /** What to stamp the site with when the session ends: the last build's, if it succeeded. */
  let pending: PendingStamp | null = null
  /** Saves one after the other (they write the same files). */
  let saving: Promise<void> = Promise.resolve()
  const save = (): Promise<void> =>
    (saving = saving.then(async () => {
      for (const cache of caches.all) cache.flush()
      await saveOutputMemory(memory.output)
    }))
  return {
    build: async (options = {}) => {
      pending = null
      const inputs = options.write !== false ? await takeInputs(config) : null
      const result = await buildWith(config, caches, memory, options)
      pending = inputs && prepareStamp(inputs, result)
      return result
    },
    save,
    prepare: preloadSummaryRenderer,
    close: async () => {
      await save()
      for (const cache of caches.all) cache.release()
      if (pending) await writeStamp(pending)
      pending = null
    },
  }
}

/**
 * What a session's builds remember of the ones before them: which content files
 * ingest read (see {@link IngestMemory}), the catalog's papers (see
 * {@link PaperMemory}), the views and page keys made from them (see
 * {@link RenderMemory}), and what the output stage wrote (see {@link OutputMemory}).
 */
export interface SessionMemory {
  readonly ingest: IngestMemory
  readonly papers: PaperMemory
  readonly render: RenderMemory
  readonly output: OutputMemory
}

async function buildWith(config: ResolvedConfig, caches: OpenCaches, memory: SessionMemory | null, options: BuildOptions): Promise<BuildResult> {
  await assertFolder(path.join(config.templatesDir, 'pages'), () => DigestErrors.templatesMissing(config.templatesDir, 'pages/'))
  const { summaries: summaryCache, tags: tagCache, ingest: ingestCache, search: searchCache } = caches
  try {
    const onProgress = options.onProgress ?? (() => {})
    const analysis = await analyzeContent(config, { summaries: summaryCache, tags: tagCache, ingest: ingestCache, taxonomy: caches.taxonomy, memory, search: searchCache }, onProgress)
    const { files, sources, taxonomy, papers, rendered } = analysis
    const timings: StageTimings = { ...analysis.timings, search: 0, pages: 0, output: 0 }

    let started = performance.now()
    onProgress({ stage: 'search', done: 0, total: 0, unit: 'papers' })
    // A summary's cache key stands for its text (the text is a function of the Markdown and the renderer, which the key covers).
    const search = await buildSearchCached({ papers, topics: taxonomy.topics, textOf: (review) => rendered.get(review)?.text ?? '', textKeyOf: summaryCacheKey, excerptOf: (review) => rendered.get(review)?.excerpt ?? '' }, searchCache)
    timings.search = performance.now() - started

    started = performance.now()
    const { files: site } = renderSite({
      config,
      papers,
      rendered,
      taxonomy,
      sources: sources.map((source) => sourceInfo(source.file.path, source.settings.name, source.settings.description)),
      search: search.assets,
      paperPieces: caches.paperPieces,
      memory: memory?.render ?? null,
    })
    for (const [file, contents] of search.files) site.set(file, contents)
    // Pages whose key matches the previous build's are not rendered at all.
    const manifestFile = options.write !== false ? outputRecordFile(config, 'json') : null
    onProgress({ stage: 'pages', done: 0, total: 0, unit: 'files' })
    // Files whose key changed are made by the output stage as it writes them: that is where they are counted.
    const plan = options.write !== false ? await planOutput(config.outDir, site, { manifestFile, memory: memory?.output ?? null, onRendered: (done, total) => onProgress({ stage: 'output', done, total, unit: 'files to make' }) }) : null
    timings.pages = performance.now() - started

    started = performance.now()
    let output: WriteReport | null = null
    if (plan) {
      output = await writeOutput(plan)
      // Pages are made while they are written (so the site is never all in memory): count that time as pages.
      timings.pages += output.renderMilliseconds
      // Cache new renders only once the build succeeded; a session does when saved (see BuildSession.save).
      if (!memory) for (const cache of caches.all) cache.flush()
    }
    timings.output = performance.now() - started - (output?.renderMilliseconds ?? 0)

    return { files, sources, papers, site, output, timings }
  } finally {
    // Flushed caches are closed already; after a failure, nothing is written (a session's new entries stay in memory, for its next save).
    for (const cache of caches.all) cache.close()
  }
}

async function loadTaxonomy(config: ResolvedConfig, cache: TaxonomyCache | null): Promise<{ taxonomy: Taxonomy; file: VFile }> {
  const file = new VFile({ path: config.topicsFile })
  let text = ''
  try {
    text = await readFile(config.topicsFile, 'utf8')
  } catch (error) {
    report(file, 'topics-file', `Could not read the topic taxonomy: ${(error as Error).message}; papers get no tags`)
    return { taxonomy: { topics: [] }, file }
  }
  file.value = text
  return { taxonomy: parseTaxonomyCached(text, file, buildCodeFingerprint(), cache), file }
}

async function assertFolder(folder: string, error: () => DigestError): Promise<void> {
  const found = await stat(folder).catch(() => null)
  if (!found?.isDirectory()) throw error()
}
